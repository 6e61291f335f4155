#!/usr/bin/env bash
# Measures DeleteManyAsync's memory for docs/cli.md: one call with N ids (default 1,000,000; UUID-form ids unknown to
# the emulator, so every answer is a 404, NotFound) from a program that does nothing else, against a standalone
# emulator. Prints the peak working set (maximum resident set size, /usr/bin/time -v) and checks that every id came
# back NotFound exactly once. A script, not a timed test: the time depends on the machine.
#
#   bash eng/bulk-memory.sh [--ids N]
#
# Needs: the .NET SDK, /usr/bin/time (GNU time).
set -euo pipefail

ids=1000000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --ids) ids="$2"; shift 2 ;;
    *) echo "Usage: bash eng/bulk-memory.sh [--ids N]" >&2; exit 2 ;;
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
fail() { echo "bulk-memory: FAILED: $*" >&2; exit 1; }

dotnet build src/ConversationClient.Emulator -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build of the emulator"; }
mkdir -p "$work/harness"
cat >"$work/harness/Harness.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup><ProjectReference Include="$root/src/ConversationClient/ConversationClient.csproj" /></ItemGroup>
</Project>
XML
cat >"$work/harness/Program.cs" <<'CS'
using ConversationClient;
var client = ConversationClientFactory.Create(new ConversationClientOptions
{
    Dialect = ConversationApiDialect.Dify,
    BaseAddress = new Uri(args[0]),
    ApiKey = "app-emulator-dify",
});
var n = int.Parse(args[1]);
static IEnumerable<string> Ids(int n) { for (var i = 1; i <= n; i++) yield return $"00000000-0000-4000-8000-{i:D12}"; }
long notFound = 0, other = 0;
await foreach (var r in client.DeleteManyAsync(Ids(n), "measure"))
{
    if (r.Outcome == DeleteConversationOutcome.NotFound) notFound++; else other++;
}
Console.WriteLine($"{notFound} not found, {other} other");
return other == 0 && notFound == n ? 0 : 1;
CS
dotnet build "$work/harness" -c Release -v q -nologo -o "$work/harness/out" >>"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build of the harness"; }

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
echo "emulator at $url; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/time -v -o "$work/time.txt" dotnet "$work/harness/out/Harness.dll" "$url/v1" "$ids" >"$work/run.txt" || { cat "$work/run.txt"; fail "not every id came back NotFound once"; }
peak_kb=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$work/time.txt")
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): *//p' "$work/time.txt")
cat "$work/run.txt"
echo "DeleteManyAsync of $ids ids in one call: peak working set $(awk -v kb="$peak_kb" 'BEGIN { printf "%.1f", kb / 1024 }') MB, wall $wall"
