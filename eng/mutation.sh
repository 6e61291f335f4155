#!/usr/bin/env bash
# Mutation testing: restores Stryker.NET (the local tool in .config/dotnet-tools.json) and runs it over the library
# (src/ConversationClient) with its unit tests (tests/ConversationClient.Tests), as stryker-config.yaml sets it up:
# string literals and ConfigureAwait calls are not mutated (the config says why). Too slow for every CI run (minutes
# per file on two cores), so .ci/run does not call it; run it before changing tests or rules, and record the scores
# in docs/mutation.md.
#
#   bash eng/mutation.sh                                   # the whole library
#   bash eng/mutation.sh Http/ServerDelay.cs Internal/BatchThrottle.cs   # only these files (paths under src/ConversationClient)
#   bash eng/mutation.sh -c 2 -o /tmp/mutation Http/ServerDelay.cs
#
# Options:
#   -c, --concurrency N   test processes at once (default 1: the machine's cores are shared)
#   -o, --output DIR      where the reports go (default artifacts/mutation); the HTML and JSON reports are
#                         DIR/reports/mutation-report.html and .json, and their paths are printed at the end
#   FILE...               files to mutate, relative to src/ConversationClient (or a path starting with it, or a glob
#                         such as 'Http/*.cs'); none means every file
# Exits non-zero when Stryker fails (a build error, a unit test that fails without mutations).
set -euo pipefail

usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
concurrency=1
output="$root/artifacts/mutation"
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    -c|--concurrency) [ $# -ge 2 ] || usage; concurrency="$2"; shift 2 ;;
    -o|--output) [ $# -ge 2 ] || usage; output="$2"; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "Unknown option: $1" >&2; usage ;;
    *) files+=("$1"); shift ;;
  esac
done
case "$concurrency" in ''|*[!0-9]*|0) echo "--concurrency takes a whole number above 0." >&2; exit 2 ;; esac
case "$output" in /*) ;; *) output="$PWD/$output" ;; esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cd "$root"
dotnet tool restore >/dev/null

# Stryker matches --mutate globs against the files of the project under test: '**/' plus the path below
# src/ConversationClient names one file (or the files a glob matches) without depending on where the tree lives.
args=()
for file in "${files[@]}"; do
  file="${file#./}"
  file="${file#src/ConversationClient/}"
  if [ ! -e "src/ConversationClient/$file" ] && ! compgen -G "src/ConversationClient/$file" >/dev/null; then
    echo "No such file under src/ConversationClient: $file" >&2
    exit 2
  fi
  args+=(--mutate "**/$file")
done

# Run from the test project's folder: from the root, Stryker would take the solution (every project, samples and
# integration tests included) instead of the unit tests.
cd "$root/tests/ConversationClient.Tests"
dotnet tool run dotnet-stryker --config-file "$root/stryker-config.yaml" --concurrency "$concurrency" \
  --output "$output" "${args[@]}"

echo "Mutation report: $output/reports/mutation-report.html (JSON: $output/reports/mutation-report.json)"
