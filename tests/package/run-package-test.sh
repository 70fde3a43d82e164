#!/usr/bin/env bash
# Packs NetCompiler, then does what a new user does: a fresh console project in a temporary folder that references the
# package from a local folder feed, declares a small network, builds, runs, and must print the XOR truth table.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A private package cache, so that a package of the same version packed earlier can never be picked up instead.
export NUGET_PACKAGES="$work/packages"
version="0.1.0-local"
dotnet pack "$repo_root/src/NetCompiler.csproj" -c Release -o "$work/feed" -p:Version=$version --nologo -v quiet

cd "$work"
dotnet new console -n Consumer -o consumer --no-restore >/dev/null
cd consumer
cat > nuget.config <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$work/feed" />
  </packageSources>
</configuration>
CONFIG
dotnet add package NetCompiler --version "$version" >/dev/null
cp "$repo_root/tests/package/Program.cs.txt" Program.cs
output=$(dotnet run -c Release 2>&1)
echo "$output"
if [[ $output != *"prediction: 0 1 1 0"* ]]; then
    echo "package test: expected 'prediction: 0 1 1 0'" >&2
    exit 1
fi
echo "package test: passed"
