#!/bin/bash
# The largest summed RSS (MiB) of a run and all its descendants (pool workers, a forkserver),
# sampled every 0.5 s while it lasts. Usage: bench/rss_sum.sh PATTERN (a `pgrep -f` pattern that
# matches the run's own command line: write "[b]ench_…" so that it does not match this script).
max=0
while root=$(pgrep -o -f "$1"); do
  s=$(ps -e -o pid=,ppid=,rss= | awk -v root="$root" '
        { parent[$1] = $2; rss[$1] = $3 }
        END { for (p in rss) { q = p; while (q != "" && q != 0 && q != 1) { if (q == root) { t += rss[p]; break } q = parent[q] } }
              print int(t / 1024) }')
  [ -n "$s" ] && [ "$s" -gt "$max" ] && max=$s
  sleep 0.5
done
echo "max summed RSS: $max MiB"
