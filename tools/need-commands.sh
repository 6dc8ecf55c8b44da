# Sourced by the tools' scripts: `need_commands WHAT COMMAND:PACKAGE…` installs, with apt-get,
# the Debian packages of the commands missing from PATH (as root), or stops naming them.
need_commands() {
  local what=$1 missing=() pair
  shift
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "error: $what need ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2
    exit 1
  fi
}
