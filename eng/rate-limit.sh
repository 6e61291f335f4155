#!/usr/bin/env bash
# Batch pacing under a rate limit (issue 15), for docs/benchmarks.md: for each wait-header form of the emulator's rate
# limit (seconds, ms, date, none) on both dialects (OpenAI on the Azure AI Foundry path, and Dify), a fresh in-process
# emulator allows 250 deletes/s with a burst of 250 and holds 2,000 conversations of one user; EraseUserAsync erases
# them with default options. Prints a Markdown table: time, achieved / allowed (the least time the limit allows for the
# deletes beyond the burst, over the time taken), the refused share of DELETE requests, what is left on the server,
# whether each conversation was deleted once, and IsComplete. Exits 1 when a goal of the issue is not met (nothing
# left, each deleted once, IsComplete, achieved >= 0.9x allowed, refused <= 5%).
# A script, not a timed test: the figures depend on the machine. About 1.5 minutes after the build.
#
#   bash eng/rate-limit.sh [--conversations N] [--rate R] [--burst B]
#
# Needs: the .NET SDK.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet build tests/ConversationClient.Benchmarks -c Release -v q -nologo >"$log" 2>&1 || { cat "$log"; echo "rate-limit: build failed" >&2; exit 2; }
dotnet run -c Release --no-build --project tests/ConversationClient.Benchmarks -- --rate-limit "$@"
