#!/usr/bin/env bash
# kubernetes-jars.sh HAVE RESOLVED OUT: copies into OUT the jars of RESOLVED that HAVE lacks. Both are
# `mvn dependency:list -DoutputAbsoluteArtifactFilename=true` outputs (group:artifact:type[:classifier]
# :version:scope:path): HAVE of runtime/arc (the file set's jars), RESOLVED of the runner pom. A library
# that HAVE has at another version stops the build, as the image would otherwise carry both.
set -euo pipefail
have=$1 resolved=$2 out=$3
mkdir -p "$out"
copies=$(awk '
  function parse(line) {
    sub(/^[ \t]+/, "", line); sub(/ -- .*$/, "", line)
    if (line !~ /^[^ :]+:[^ :]+:[^ :]+:/) return 0
    n = split(line, f, ":")
    if (n != 6 && n != 7) return 0
    key = f[1] ":" f[2] ":" (n == 7 ? f[4] : ""); version = f[n - 2]; path = f[n]
    return 1
  }
  NR == FNR { if (parse($0)) have[key] = version; next }
  parse($0) {
    if (!(key in have)) { print path; next }
    if (have[key] != version) {
      printf "kubernetes-jars: %s %s would sit beside version %s; align runtime/arc/pom.xml and the runner pom\n", key, version, have[key] > "/dev/stderr"
      failed = 1
    }
  }
  END { exit failed }
' "$have" "$resolved")
count=0
while IFS= read -r path; do
  [ -n "$path" ] || continue
  cp "$path" "$out/"
  count=$((count + 1))
done <<<"$copies"
echo "kubernetes-jars: added $count jars for Spark's Kubernetes scheduler"
