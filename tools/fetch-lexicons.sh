#!/usr/bin/env bash
# Provision the lexical resources of plume's word-by-word check (src/lexicon): LibreOffice's
# French thesaurus (Debian `mythes-fr`, LGPL) and the FreeDict bilingual dictionaries between
# French and English, German, Portuguese (both ways), Spanish, Italian (French → them) (Debian
# `dict-freedict-*`, GPL, read as data files). `bash tools/fetch-lexicons.sh`; run again, it
# does nothing. The packages come from Debian's mirror (`apt-get download`, no root needed),
# are checked against the sha256 below, and are unpacked with their licences into
# ${PLUME_LEXICONS:-~/.cache/plume/lexicons}: mythes/, dictd/, licences/PACKAGE/copyright.
# A machine with the packages installed (apt-get install mythes-fr dict-freedict-eng-fra …)
# needs none of this: plume also reads /usr/share.
set -euo pipefail

dest="${PLUME_LEXICONS:-${XDG_CACHE_HOME:-$HOME/.cache}/plume/lexicons}"
packages=(
  "mythes-fr=1:7.5.0-1 c9cdf4b669f05662e2ad474c72f78b2b7a6c3dc4d35d645ac08b334c50b1f94a"
  "dict-freedict-eng-fra=2022.04.21-1 b8db6774b640ae8a372bee119b4304d88e6fd471a283d1326d7ec0abcc8b930e"
  "dict-freedict-deu-fra=2022.12.07-2 daea8e0b231a5c8c2aed6e59939943fb620fedb03b0e70f1f2874281005b981f"
  "dict-freedict-por-fra=2022.12.07-2 d9c494c521b56f4be7c6c2156397badf21ee9f119fabb80473bd86557c61c809"
  "dict-freedict-fra-spa=2022.12.07-2 f9bccab15974febfee7a0993a7794e42f585b6dfd94a1ef16c597e5743b5f2f4"
  "dict-freedict-fra-ita=2022.12.07-2 3ae87cd3e8f246c7e65c43d7713da5910ef4a7bfd54d3fef7af502f7cec2ff6a"
  "dict-freedict-fra-eng=2022.04.21-1 fb853d1f3da00ddddfe60dc3b88b5aaca122eecf3ba5c219131bea479d6274db"
  "dict-freedict-fra-deu=2022.12.07-2 06bf0fc248aadca920628700883deb06151961dcd990a4cdc1f3a3f16dace8a7"
  "dict-freedict-fra-por=2022.12.07-2 2fd3fb111a091780259e99268fb51c3f0cd1f501c2c20a6cba0ccd30372eb7ab"
)

stamp="$dest/.provisioned"
wanted="$(printf '%s\n' "${packages[@]}")"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  echo "lexicons already provisioned in $dest"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
for entry in "${packages[@]}"; do
  spec="${entry%% *}"
  if ! apt-get download -qq "$spec" 2>/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && apt-get download -qq "$spec"
    else
      echo "error: apt-get cannot download $spec (run apt-get update, or install the package)" >&2
      exit 1
    fi
  fi
done
for entry in "${packages[@]}"; do
  spec="${entry%% *}"
  sum="${entry##* }"
  name="${spec%%=*}"
  deb=$(ls "${name}"_*.deb)
  echo "$sum  $deb" | sha256sum -c --quiet - || {
    echo "error: $deb does not have the expected sha256 $sum" >&2
    exit 1
  }
  dpkg-deb -x "$deb" unpacked
  mkdir -p "staged/licences/$name"
  cp "unpacked/usr/share/doc/$name/copyright" "staged/licences/$name/"
done
mkdir -p staged/mythes staged/dictd
cp unpacked/usr/share/mythes/thes_fr.dat staged/mythes/
cp unpacked/usr/share/dictd/freedict-*.index unpacked/usr/share/dictd/freedict-*.dict.dz staged/dictd/
printf '%s\n' "$wanted" >staged/.provisioned

# replace the folder whole, so that a failed run leaves the previous one as it was
mkdir -p "$(dirname "$dest")"
rm -rf "$dest.old"
[ -d "$dest" ] && mv "$dest" "$dest.old"
mv staged "$dest"
rm -rf "$dest.old"
echo "lexicons provisioned in $dest: $(du -sh "$dest" | cut -f1)"
