// The screen's auto-tour: every `interval` ms the next stop (the city, then each district in turn); a keypress
// toggles pause, a click pauses. One timer at most is ever pending, so hours of touring leave nothing behind.
export function createTour({ stops, interval, onStop, onState }) {
  let index = 0;
  let timer = null;
  let paused = false;

  function schedule() {
    clearTimeout(timer);
    timer = paused || stops.length < 2 ? null : setTimeout(step, interval);
  }
  function step() {
    index = (index + 1) % stops.length;
    onStop(stops[index], index);
    schedule();
  }
  function setPaused(p) {
    if (p === paused) return;
    paused = p;
    schedule();
    onState({ paused });
  }
  const onKey = (e) => { if (!e.repeat) setPaused(!paused); };
  const onClick = () => setPaused(true);
  window.addEventListener('keydown', onKey);
  window.addEventListener('click', onClick);

  onStop(stops[index], index);
  onState({ paused });
  schedule();
  return {
    current: () => stops[index],
    index: () => index,
    paused: () => paused,
    pause: () => setPaused(true),
    resume: () => setPaused(false),
    stop() {
      clearTimeout(timer);
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('click', onClick);
    },
  };
}
