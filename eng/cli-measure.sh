#!/usr/bin/env bash
# Measures the command-line tool (src/ConversationClient.Cli) against a standalone emulator, for docs/cli.md:
#   1. memory: `conversations delete --file` of N ids (default 1,000,000; unknown ids, so the emulator answers
#      NotFound) - peak working set (maximum resident set size, /usr/bin/time -v) must stay under 100 MB, and the
#      receipt must hold the run's header, one line per id and the summary;
#   2. speed: `conversations erase` of M conversations (default 10,000) against a program that calls EraseUserAsync
#      alone, both as whole processes (start-up included), in alternating rounds; the tool must be within 1.2x.
# A script, not a timed test: the figures depend on the machine.
#
#   bash eng/cli-measure.sh [--ids N] [--erase M] [--rounds R]
#
# Needs: the .NET SDK, curl, /usr/bin/time (GNU time).
set -euo pipefail

ids=1000000
erase=10000
rounds=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --ids) ids="$2"; shift 2 ;;
    --erase) erase="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "Usage: bash eng/cli-measure.sh [--ids N] [--erase M] [--rounds R]" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work="$(mktemp -d)"
emulator_pid=""
cleanup() {
  if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "cli-measure: FAILED: $*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }

step "build (Release)"
dotnet build src/ConversationClient.Cli -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build of the tool"; }
dotnet build src/ConversationClient.Emulator -c Release -v q -nologo >>"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build of the emulator"; }
cli="$root/src/ConversationClient.Cli/bin/Release/net10.0/ConversationClient.Cli.dll"

# The baseline: a program that calls EraseUserAsync alone, with the same defaults as the tool.
mkdir -p "$work/baseline"
cat >"$work/baseline/Baseline.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup><ProjectReference Include="$root/src/ConversationClient/ConversationClient.csproj" /></ItemGroup>
</Project>
XML
cat >"$work/baseline/Program.cs" <<'CS'
using ConversationClient;
var client = ConversationClientFactory.Create(new ConversationClientOptions
{
    Dialect = ConversationApiDialect.Dify,
    BaseAddress = new Uri(args[0]),
    ApiKey = Environment.GetEnvironmentVariable("DIFY_API_KEY"),
});
var report = await client.EraseUserAsync(args[1]);
Console.WriteLine(report);
return report.IsComplete ? 0 : 1;
CS
dotnet build "$work/baseline" -c Release -v q -nologo -o "$work/baseline/out" >>"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build of the baseline"; }

step "start the emulator"
dotnet src/ConversationClient.Emulator/bin/Release/net10.0/ConversationClient.Emulator.dll \
  --urls http://127.0.0.1:0 --address-file "$work/address" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 120); do
  [[ -s "$work/address" ]] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log"; fail "the emulator exited"; }
  sleep 0.25
done
[[ -s "$work/address" ]] || fail "the emulator did not start"
url="$(cat "$work/address")"; url="${url%/}"
export DIFY_API_KEY=app-emulator-dify
echo "emulator at $url; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

step "delete $ids ids from a file: peak working set"
# Ids in UUID form: Dify routes only those, and the SDK reports any other id's 404 as Failed (dify_id_not_uuid).
awk -v n="$ids" 'BEGIN { for (i = 1; i <= n; i++) printf "00000000-0000-4000-8000-%012d\n", i }' >"$work/ids.txt"
start=$(date +%s.%N)
/usr/bin/time -v -o "$work/time.txt" dotnet "$cli" delete --file "$work/ids.txt" --user measure \
  --service dify --base-url "$url/v1" --receipt "$work/receipt.jsonl" --output json --yes >"$work/delete.json" || true
end=$(date +%s.%N)
peak_kb=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$work/time.txt")
lines=$(wc -l <"$work/receipt.jsonl")
cat "$work/delete.json"
peak_mb=$(awk -v kb="$peak_kb" 'BEGIN { printf "%.1f", kb / 1024 }')
echo "peak working set: $peak_mb MB; receipt lines: $lines; wall: $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }') s"
[[ "$lines" == "$((ids + 2))" ]] || fail "the receipt has $lines lines, not $((ids + 2))"
grep -q '"notFound":'"$ids" "$work/delete.json" || fail "not every id came back NotFound"
mem_ok=$(awk -v mb="$peak_mb" 'BEGIN { print (mb < 100) ? "yes" : "no" }')
rm -f "$work/ids.txt" "$work/receipt.jsonl"

step "erase $erase conversations: the tool against EraseUserAsync alone ($rounds rounds, alternating)"
seed() {
  curl -fsS -X POST "$url/__emulator/seed" -H 'content-type: application/json' \
    -d "{\"dialect\":\"dify\",\"count\":$erase,\"user\":\"$1\"}" >/dev/null || fail "seeding"
}
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null || fail "$*"; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'; }
tool_times=(); sdk_times=()
for round in $(seq 1 "$rounds"); do
  seed "sdk-$round"
  sdk_times+=("$(seconds dotnet "$work/baseline/out/Baseline.dll" "$url/v1" "sdk-$round")")
  seed "tool-$round"
  tool_times+=("$(seconds dotnet "$cli" erase --user "tool-$round" --service dify --base-url "$url/v1" --receipt "$work/erase-$round.jsonl" --output json)")
  [[ "$(grep -c '"outcome":"Deleted"' "$work/erase-$round.jsonl")" == "$erase" ]] || fail "the tool's receipt of round $round does not hold $erase deletes"
  echo "round $round: EraseUserAsync ${sdk_times[-1]} s, conversations erase ${tool_times[-1]} s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
sdk=$(median "${sdk_times[@]}"); tool=$(median "${tool_times[@]}")
ratio=$(awk -v t="$tool" -v s="$sdk" 'BEGIN { printf "%.2f", t / s }')
speed_ok=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.2) ? "yes" : "no" }')

step "results"
echo "delete of $ids ids: peak working set $peak_mb MB (goal < 100 MB: $mem_ok)"
echo "erase of $erase: tool $tool s, EraseUserAsync $sdk s (medians), ratio $ratio (goal <= 1.2: $speed_ok)"
[[ "$mem_ok" == yes && "$speed_ok" == yes ]] || exit 1
