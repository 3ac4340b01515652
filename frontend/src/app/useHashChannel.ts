import { useCallback, useEffect, useState } from 'react';

const DEFAULT = 'general';

function readHash(): string {
  try {
    return decodeURIComponent(window.location.hash.slice(1)) || DEFAULT;
  } catch {
    return DEFAULT;
  }
}

/**
 * The open channel lives in the location's hash (`#design`), so links are plain links, a reload stays put and
 * the back button goes to the previous channel.
 */
export function useHashChannel() {
  const [channel, setChannel] = useState(readHash);

  useEffect(() => {
    const follow = () => setChannel(readHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  const navigate = useCallback((name: string) => {
    if (readHash() !== name) window.location.hash = name;
    setChannel(name);
  }, []);

  return [channel, navigate] as const;
}
