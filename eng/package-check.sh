#!/usr/bin/env bash
# Packs ConversationClient and ConversationClient.Testing, checks the packages' contents, then builds and runs an app
# that references the *package* (tests/PackageConsumer, restored from a local folder feed) against the emulator, first
# on the JIT and then published with Native AOT, and runs the README's NUnit example against the Testing package
# (tests/PackageConsumer.Testing, kept out of the AOT publish: WireMock.Net is not trimmable). Packs the command-line
# tool (ConversationClient.Cli) into the same feed, installs it with `dotnet tool install --tool-path` from there and
# runs `conversations list`, `erase --dry-run`, `delete` and `erase` against the emulator. Every step must finish with
# zero warnings. Exits non-zero on any failure.
#
#   bash eng/package-check.sh            # everything
#   bash eng/package-check.sh --no-aot   # skip the Native AOT publish
#
# Needs: the .NET SDK, git, curl, unzip or python3; for AOT clang and zlib1g-dev (installed with apt-get when missing and root).
set -euo pipefail

aot=1
for arg in "$@"; do
  case "$arg" in
    --no-aot) aot=0 ;;
    *) echo "Usage: bash eng/package-check.sh [--no-aot]" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

feed="$root/artifacts/package-feed"
work="$(mktemp -d)"
suffix="check.$(date -u +%Y%m%d%H%M%S).$$"
version="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' Directory.Build.props | head -n 1)-$suffix"
packages="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')"
consumer="$root/tests/PackageConsumer"
testing_consumer="$root/tests/PackageConsumer.Testing"
emulator_pid=""

cleanup() {
  if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  # The check version is unique: drop it from the global package cache again.
  rm -rf "${packages%/}/conversationclient/$version" "${packages%/}/conversationclient.testing/$version" \
    "${packages%/}/conversationclient.cli/$version" "$work"
}
trap cleanup EXIT

# Lists and reads zip entries with unzip, or python3 when unzip is not installed.
zip_list() {
  if command -v unzip >/dev/null 2>&1; then unzip -Z1 "$1"; else python3 -c 'import sys,zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$1"; fi
}
zip_cat() {
  if command -v unzip >/dev/null 2>&1; then unzip -p "$1" "$2"; else python3 -c 'import sys,zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())' "$1" "$2"; fi
}

step() { printf '\n== %s\n' "$*"; }
fail() { echo "package-check: FAILED: $*" >&2; exit 1; }

# Runs a dotnet command, keeps its log, and fails on any warning as well as on errors.
run_dotnet() {
  local log="$work/$1.log"; shift
  if ! dotnet "$@" -warnaserror >"$log" 2>&1; then
    cat "$log"; fail "dotnet $*"
  fi
  if grep -E ': warning [A-Z]*[0-9]*|warning :' "$log" >/dev/null; then
    grep -E ': warning|warning :' "$log" | sort -u; fail "warnings in dotnet $*"
  fi
}

step "pack ConversationClient $version"
rm -rf "$feed"
run_dotnet pack pack src/ConversationClient -c Release -o "$feed" --version-suffix "$suffix"
nupkg="$feed/ConversationClient.$version.nupkg"
[[ -f "$nupkg" ]] || fail "no $nupkg"
[[ -f "$feed/ConversationClient.$version.snupkg" ]] || fail "no symbol package (.snupkg)"
listing="$(zip_list "$nupkg")"
for entry in lib/net8.0/ConversationClient.dll lib/net8.0/ConversationClient.xml \
             lib/net10.0/ConversationClient.dll lib/net10.0/ConversationClient.xml README.md LICENSE; do
  grep -qx "$entry" <<<"$listing" || fail "the package has no $entry"
done
nuspec="$(zip_cat "$nupkg" ConversationClient.nuspec)"
for field in '<license type="expression">MIT</license>' '<readme>README.md</readme>' '<authors>' '<description>' '<tags>' '<repository type="git"'; do
  grep -qF "$field" <<<"$nuspec" || fail "the nuspec has no $field"
done
[[ "$(zip_cat "$nupkg" README.md | head -n 1)" == "# ConversationClient" ]] || fail "the package's README is not the library's own page"
echo "ok: $(basename "$nupkg") (net8.0, net10.0, XML docs, its README, MIT) and its .snupkg"

step "pack ConversationClient.Testing $version"
run_dotnet pack-testing pack src/ConversationClient.Testing -c Release -o "$feed" --version-suffix "$suffix"
testing_nupkg="$feed/ConversationClient.Testing.$version.nupkg"
[[ -f "$testing_nupkg" ]] || fail "no $testing_nupkg"
listing="$(zip_list "$testing_nupkg")"
for entry in lib/net8.0/ConversationClient.Testing.dll lib/net8.0/ConversationClient.Testing.xml \
             lib/net10.0/ConversationClient.Testing.dll lib/net10.0/ConversationClient.Testing.xml README.md LICENSE; do
  grep -qx "$entry" <<<"$listing" || fail "the Testing package has no $entry"
done
nuspec="$(zip_cat "$testing_nupkg" ConversationClient.Testing.nuspec)"
for field in "<dependency id=\"ConversationClient\" version=\"$version\"" '<dependency id="WireMock.Net.Minimal" version="2.31.0"'; do
  grep -qF "$field" <<<"$nuspec" || fail "the Testing nuspec has no $field"
done
[[ "$(zip_cat "$testing_nupkg" README.md | head -n 1)" == "# ConversationClient.Testing" ]] || fail "the Testing package's README is not its own page"
echo "ok: $(basename "$testing_nupkg") (net8.0, net10.0, XML docs, README, MIT; depends on ConversationClient $version and WireMock.Net.Minimal)"

step "start the emulator"
run_dotnet emulator-build build src/ConversationClient.Emulator -c Release
dotnet src/ConversationClient.Emulator/bin/Release/net10.0/ConversationClient.Emulator.dll \
  --urls http://127.0.0.1:0 --address-file "$work/address" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 120); do
  [[ -s "$work/address" ]] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log"; fail "the emulator exited"; }
  sleep 0.25
done
[[ -s "$work/address" ]] || { cat "$work/emulator.log"; fail "the emulator did not start"; }
url="$(cat "$work/address")"
echo "ok: emulator at $url"

step "pack the command-line tool, install it from the feed, run it against the emulator"
run_dotnet pack-cli pack src/ConversationClient.Cli -c Release -o "$feed" --version-suffix "$suffix"
tool_nupkg="$feed/ConversationClient.Cli.$version.nupkg"
[[ -f "$tool_nupkg" ]] || fail "no $tool_nupkg"
grep -q 'packageType name="DotnetTool"' <<<"$(zip_cat "$tool_nupkg" ConversationClient.Cli.nuspec)" || fail "the tool package is not a .NET tool"
grep -qx "tools/net10.0/any/ConversationClient.dll" <<<"$(zip_list "$tool_nupkg")" || fail "the tool package does not carry the SDK"
dotnet tool install ConversationClient.Cli --version "$version" --tool-path "$work/tools" --add-source "$feed" >"$work/tool-install.log" 2>&1 \
  || { cat "$work/tool-install.log"; fail "dotnet tool install"; }
conversations="$work/tools/conversations"
[[ -x "$conversations" ]] || fail "no conversations command in the tool path"
seeded="$(curl -fsS -X POST "${url%/}/__emulator/seed" -H 'content-type: application/json' -d '{"dialect":"dify","count":5,"user":"check-user"}')" \
  || fail "seeding the emulator"
first_id="$(sed -n 's/.*"ids":\["\([^"]*\)".*/\1/p' <<<"$seeded")"
[[ -n "$first_id" ]] || fail "no id in the seed answer: $seeded"
export DIFY_API_KEY=app-emulator-dify DIFY_BASE_URL="${url%/}/v1"
listed="$("$conversations" list --user check-user)" || fail "conversations list"
[[ "$(wc -l <<<"$listed")" == 5 ]] || fail "conversations list printed $(wc -l <<<"$listed") ids, not 5"
"$conversations" erase --user check-user --dry-run --output json | grep -q '"listed":5,"deleted":0' || fail "conversations erase --dry-run"
"$conversations" delete "$first_id" --user check-user --receipt "$work/receipt.jsonl" >/dev/null || fail "conversations delete"
grep -q "\"id\":\"$first_id\",\"outcome\":\"Deleted\"" "$work/receipt.jsonl" || fail "the receipt does not say $first_id was Deleted"
"$conversations" erase --user check-user --receipt "$work/receipt.jsonl" --output json | grep -q '"listed":4,"deleted":4' || fail "conversations erase"
set +e; "$conversations" erase --user check-user --service dify --base-url https://dify.example.invalid/v1 >/dev/null 2>&1; refused=$?; set -e
[[ "$refused" == 2 ]] || fail "erase on a non-loopback address without --yes exited $refused, not 2"
[[ "$(grep -c '"outcome"' "$work/receipt.jsonl")" == 5 ]] || fail "the receipt does not hold 5 conversations"
unset DIFY_API_KEY DIFY_BASE_URL
echo "ok: dotnet tool install --tool-path from the feed; list, erase --dry-run, delete and erase on the emulator"

step "build and run the consumer against the package (JIT)"
rm -rf "$consumer/bin" "$consumer/obj"
run_dotnet consumer-build build "$consumer" -c Release -p:ConversationClientVersion="$version"
grep -q "\"ConversationClient/$version\"" "$consumer/obj/project.assets.json" || fail "the consumer did not restore the package $version"
grep -A2 "\"ConversationClient/$version\"" "$consumer/obj/project.assets.json" | grep -q '"type": "package"' \
  || fail "the consumer's ConversationClient is not a package reference"
dotnet "$consumer/bin/Release/net10.0/PackageConsumer.dll" "$url" || fail "the consumer (JIT) failed"

# The same consumer built for .NET 8, the package's other target, carrying its runtime (self-contained: the runtime
# pack comes from NuGet), so the package's net8.0 assembly and dependencies are run as a .NET 8 app gets them.
step "build and run the consumer on .NET 8 against the package"
run_dotnet consumer-net8 build "$consumer" -c Release -p:ConsumerFramework=net8.0 -p:UseCurrentRuntimeIdentifier=true \
  -p:SelfContained=true -p:ConversationClientVersion="$version" -o "$work/net8"
grep -q '"ConversationClient/'"$version"'"' "$consumer/obj/project.assets.json" || fail "the .NET 8 consumer did not restore the package $version"
grep -q '"version": "8\.' "$work/net8/PackageConsumer.runtimeconfig.json" || fail "the .NET 8 consumer does not carry a .NET 8 runtime"
"$work/net8/PackageConsumer" "$url" || fail "the consumer (.NET 8) failed"

step "run the README's NUnit example against the Testing package"
rm -rf "$testing_consumer/bin" "$testing_consumer/obj"
run_dotnet testing-consumer-build build "$testing_consumer" -c Release -p:ConversationClientVersion="$version"
grep -A2 "\"ConversationClient.Testing/$version\"" "$testing_consumer/obj/project.assets.json" | grep -q '"type": "package"' \
  || fail "the Testing consumer's ConversationClient.Testing is not the package $version"
dotnet test "$testing_consumer" -c Release --no-build >"$work/testing-consumer-test.log" 2>&1 \
  || { cat "$work/testing-consumer-test.log"; fail "the README example against the Testing package failed"; }
grep -E 'Passed!|Total tests' "$work/testing-consumer-test.log" | tail -n 1

if [[ "$aot" == 1 ]]; then
  step "publish the consumer with Native AOT and run it"
  if ! command -v clang >/dev/null 2>&1 || ! [[ -f /usr/include/zlib.h ]]; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
      echo "installing clang and zlib1g-dev for the native link"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev >/dev/null
    else
      fail "Native AOT needs clang and zlib1g-dev (run as root to install them, or pass --no-aot)"
    fi
  fi
  case "$(uname -m)" in
    x86_64) rid=linux-x64 ;;
    aarch64|arm64) rid=linux-arm64 ;;
    *) fail "no Native AOT runtime identifier for $(uname -m)" ;;
  esac
  run_dotnet consumer-aot publish "$consumer" -c Release -r "$rid" -p:PublishAot=true \
    -p:ConversationClientVersion="$version" -o "$work/aot"
  [[ -x "$work/aot/PackageConsumer" ]] || fail "no native executable"
  "$work/aot/PackageConsumer" "$url" || fail "the consumer (Native AOT) failed"
  echo "ok: Native AOT executable ($(du -h "$work/aot/PackageConsumer" | cut -f1)), zero trim/AOT warnings"
fi

step "package check passed"
