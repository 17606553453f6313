#!/usr/bin/env bash
# deploy/images/build.sh REGISTRY TAG — builds Arcade's images for linux/arm64 and linux/amd64 with
# docker buildx and pushes them as REGISTRY/notebook:TAG, REGISTRY/arc-runner:TAG and REGISTRY/hub:TAG (REGISTRY is
# the `ecr_registry` output of deploy/terraform, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/arcade).
# The build contexts are the file sets `make image-files` assembles. The ECR repositories refuse to
# overwrite a tag, so use a new TAG (the commit) for every build. Used by the GitHub Actions workflow
# (.github/workflows/images.yml) and the CodeBuild buildspec (deploy/images/buildspec.yml).
# PLATFORMS overrides the platforms; PUSH=false builds without pushing.
set -euo pipefail
if [ "$#" -ne 2 ]; then
  echo "usage: deploy/images/build.sh REGISTRY TAG" >&2
  exit 2
fi
registry=${1%/} tag=$2
platforms=${PLATFORMS:-linux/arm64,linux/amd64}
output=--push
[ "${PUSH:-true}" = true ] || output=--output=type=cacheonly
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

make -C "$root" image-files
for pair in notebook:notebook runner:arc-runner hub:hub; do
  dir=${pair%%:*} repository=${pair#*:}
  echo "Building $registry/$repository:$tag for $platforms"
  docker buildx build "$output" --platform "$platforms" \
    --provenance=mode=max --sbom=true \
    --file "$root/deploy/images/$dir/Dockerfile" \
    --tag "$registry/$repository:$tag" \
    "$root/.cache/images/$dir"
done
