# Sourced by bin/* and .ci/run: exports JAVA_HOME for a JDK of release 21 or newer.
# Order: $JAVA_HOME if it is new enough, then `java` on the PATH, then the usual JVM folders.

_iii4j_java_release() {
  # Prints the feature release of the java binary given, e.g. 17 or 25.
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

_iii4j_find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local dir
  for dir in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$dir" ] && candidates+=("$dir")
  done
  local home release
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    release=$(_iii4j_java_release "$home/bin/java")
    if [ -n "$release" ] && [ "$release" -ge 21 ] 2>/dev/null; then
      echo "$home"
      return 0
    fi
  done
  return 1
}

if ! III4J_JDK=$(_iii4j_find_jdk); then
  echo "error: this project needs a JDK of release 21 or newer (javac included)." >&2
  echo "       None was found in JAVA_HOME, on the PATH, or under /usr/lib/jvm." >&2
  echo "       Install one (for example Temurin 21 or 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME="$III4J_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
