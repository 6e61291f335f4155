#!/usr/bin/env bash
# The cost of a complete erasure and of an export under rate limits (issue 27), for docs/benchmarks.md.
# Erasure: a fresh in-process emulator allows 250 DELETEs/s with a burst of 250 (conversation and item deletes share the
# bucket) and holds 1,000 conversations of one user with 20 items (OpenAI dialect, Azure AI Foundry path) or messages
# (Dify) each; EraseUserAsync erases them with default options (DeleteItems and Verify on), once with Azure's
# retry-after-ms and once with whole seconds (Retry-After: 1). Prints time, achieved / allowed over all DELETEs
# (21,000 on OpenAI: 20,000 items and 1,000 conversations), the refused share, conversations left, items left stored
# (orphaned: out of the API's reach) and IsComplete / Verified.
# Export: the emulator allows 200 reads/s (GET: list pages, item and message pages) with a burst of 200; ExportUserAsync
# exports the same user (1,000 x 20), then a user with 10,000 conversations of 100 items, on both dialects. Prints time,
# achieved / allowed over the reads, the refused share, what was exported, and the managed heap above the seeded
# emulator's: live (the largest of three full collections during the export) and peak (sampled every 50 ms).
# Exits 1 when a goal is not met: nothing left, IsComplete and Verified, achieved >= 0.9x allowed, refused <= 5% (both
# tables); everything exported, and the large user's live heap at most twice the small one's (or 4 MiB more).
# A script, not a timed test: the figures depend on the machine. About 6 minutes after the build.
#
#   bash eng/erase-cost.sh [--conversations N] [--items N] [--rate R] [--burst B] [--read-rate R] [--read-burst B]
#                          [--large-conversations N] [--large-items N] [--erase 0|1] [--export 0|1]
#
# Needs: the .NET SDK.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet build tests/ConversationClient.Benchmarks -c Release -v q -nologo >"$log" 2>&1 || { cat "$log"; echo "erase-cost: build failed" >&2; exit 2; }
# Other work on the machine slows the erasure and the export: the load is printed before and after, to say so with the figures.
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }
echo "Machine: $(nproc 2>/dev/null || echo '?') cores, load average $(load) at the start"
echo
status=0
dotnet run -c Release --no-build --project tests/ConversationClient.Benchmarks -- --erase-cost "$@" || status=$?
echo "Load average $(load) at the end"
exit $status
