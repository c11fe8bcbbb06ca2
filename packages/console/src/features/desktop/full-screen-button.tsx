import { useEffect, useState, type RefObject } from 'react';

/**
 * Toggles full screen for `targetRef` (the desktop page: screen and its bar together), and
 * follows the browser's own way out (Esc), so the label always tells what a click will do.
 *
 * @example
 * <FullScreenButton targetRef={pageRef} />
 */
export function FullScreenButton({ targetRef }: { targetRef: RefObject<HTMLElement | null> }) {
  const [isFullScreen, setFullScreen] = useState(false);
  useEffect(() => {
    const follow = (): void =>
      setFullScreen(
        document.fullscreenElement !== null && document.fullscreenElement === targetRef.current,
      );
    document.addEventListener('fullscreenchange', follow);
    return () => document.removeEventListener('fullscreenchange', follow);
  }, [targetRef]);
  const toggle = (): void => {
    if (isFullScreen) void document.exitFullscreen();
    else void targetRef.current?.requestFullscreen();
  };
  return (
    <button
      type="button"
      className="button button-small"
      onClick={toggle}
      aria-pressed={isFullScreen}
      data-testid="desktop-full-screen"
    >
      {isFullScreen ? 'Exit full screen' : 'Full screen'}
    </button>
  );
}
