#!/usr/bin/env bash
# Nothing is released yet, so each provider keeps one Initial migration: this drops it and builds it again from the
# model (docs/architecture.md). Needs the dotnet-ef tool (dotnet tool install -g dotnet-ef).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$HOME/.dotnet/tools"
for provider in Sqlite Postgres; do
  rm -f src/Turntide.Server/Data/Migrations/$provider/*.cs
  dotnet ef migrations add Initial --project src/Turntide.Server --context ${provider}TurntideDb \
    --output-dir Data/Migrations/$provider --configuration Release
done
