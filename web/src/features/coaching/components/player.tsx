// The page's one audio player, shared by everything that seeks it: the
// transcript, evidence quotes, key moments and comments.
import { createContext, type ReactNode, type RefObject, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtDuration } from "../../../lib/format";
import { useRecording } from "../api/getRecording";

interface Player {
  audioRef: RefObject<HTMLAudioElement | null>;
  /** Playback position in seconds, updated as the audio plays. */
  currentTime: number;
  setCurrentTime: (t: number) => void;
  /** Jump to `t` seconds and play from there. */
  seek: (t: number) => void;
}

const PlayerContext = createContext<Player | null>(null);

export function PlayerProvider({ children }: { children: ReactNode }) {
  const audioRef = useRef<HTMLAudioElement | null>(null);
  const [currentTime, setCurrentTime] = useState(0);
  const seek = useCallback((t: number) => {
    const at = Math.max(0, t);
    setCurrentTime(at);
    const audio = audioRef.current;
    if (!audio) return;
    audio.currentTime = at;
    // play() rejects when the browser blocks autoplay or the source failed;
    // the error state of the player already says so.
    const p = audio.play() as Promise<void> | undefined;
    p?.catch?.(() => {});
  }, []);
  const value = useMemo(() => ({ audioRef, currentTime, setCurrentTime, seek }), [currentTime, seek]);
  return <PlayerContext.Provider value={value}>{children}</PlayerContext.Provider>;
}

export function usePlayer(): Player {
  const ctx = useContext(PlayerContext);
  if (!ctx) throw new Error("usePlayer outside PlayerProvider");
  return ctx;
}

/**
 * A button that seeks the player to `time` (timestamps, evidence quotes).
 * `action` ("Play", "Play from") is read out before the visible text, so the
 * accessible name contains what sighted users see (WCAG 2.5.3).
 */
export function SeekButton({ time, children, className, action = "Play", testId }: {
  time: number;
  children: ReactNode;
  className?: string;
  action?: string;
  testId?: string;
}) {
  const { seek } = usePlayer();
  return (
    <button type="button" className={`link coach-seek ${className ?? ""}`} onClick={() => seek(time)} data-testid={testId} data-time={time}>
      <span className="sr-only">{action}</span>{" "}{children}
    </button>
  );
}

export function Timestamp({ time }: { time: number }) {
  return <time className="coach-time" dateTime={`PT${Math.round(time * 100) / 100}S`}>{fmtDuration(time)}</time>;
}

/** The recording, streamed from a short-lived signed URL (renewed when it has expired). */
export function AudioPlayer({ callId, hasRecording }: { callId: string; hasRecording: boolean }) {
  const { audioRef, setCurrentTime } = usePlayer();
  const recording = useRecording(callId, hasRecording);
  const src = recording.data?.url ?? null;
  const [mediaError, setMediaError] = useState<string | null>(null);
  const resumeAt = useRef<number | null>(null);
  const renewed = useRef(false);

  useEffect(() => {
    setMediaError(null);
  }, [src]);

  const onMediaError = () => {
    const audio = audioRef.current;
    // The signed URL may have expired (a seek after 5 minutes): get a new one once, and resume there.
    if (!renewed.current && audio) {
      renewed.current = true;
      resumeAt.current = audio.currentTime;
      void recording.refetch();
      return;
    }
    setMediaError("Your browser couldn't play this recording.");
  };

  if (!hasRecording) {
    return <div className="coach-player coach-player-empty muted" role="status">This call has no recording (yet).</div>;
  }
  if (recording.isPending) {
    return <div className="coach-player"><Spinner label="Loading the recording…" /></div>;
  }
  if (recording.isError) {
    return (
      <div className="coach-player coach-player-error" role="alert">
        <strong>Couldn't load the recording.</strong> <span>{errorMessage(recording.error)}</span>{" "}
        <button type="button" className="secondary" onClick={() => recording.refetch()}>Try again</button>
      </div>
    );
  }
  return (
    <div className="coach-player">
      {src && (
        <audio
          ref={audioRef}
          data-testid="audio-player"
          controls
          preload="metadata"
          src={src}
          aria-label="Call recording"
          onTimeUpdate={(e) => setCurrentTime(e.currentTarget.currentTime)}
          onSeeked={(e) => setCurrentTime(e.currentTarget.currentTime)}
          onLoadedMetadata={(e) => {
            if (resumeAt.current !== null) e.currentTarget.currentTime = resumeAt.current;
            resumeAt.current = null;
            renewed.current = false;
          }}
          onError={onMediaError}
        />
      )}
      {mediaError && <div className="coach-player-error" role="alert">{mediaError}</div>}
    </div>
  );
}
