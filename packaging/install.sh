#!/usr/bin/env bash
# packaging/install.sh: install vdmfuse on this machine (as root), or into $DESTDIR for a package.
#   /usr/lib/vdmfuse/          the published Release build (framework-dependent)
#   /usr/sbin/vdmfuse          wrapper that runs it
#   /usr/sbin/vdmadm           wrapper for the administrator's tool
#   /usr/include/vdmfuse/vdm.h the C header of the control packets
#   /etc/systemd/system/vdmfuse.service
#   /etc/vdmfuse.conf          from vdmfuse.conf.example, only if missing
# Does not enable or start the service.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
destdir=${DESTDIR:-}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [[ -z $destdir && $(id -u) -ne 0 ]]; then
  echo "install.sh: run as root (or set DESTDIR to stage the files)" >&2
  exit 1
fi
command -v dotnet >/dev/null || { echo "install.sh: the .NET SDK (dotnet) is not on PATH" >&2; exit 1; }
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")

libdir=$destdir/usr/lib/vdmfuse
staging=$(mktemp -d /tmp/vdmfuse-publish.XXXXXX)
trap 'rm -rf "$staging"' EXIT

dotnet publish "$root/src/VdmFuse.Daemon/VdmFuse.Daemon.csproj" -c Release --nologo -o "$staging"
dotnet publish "$root/src/VdmFuse.Cli/VdmFuse.Cli.csproj" -c Release --nologo -o "$staging"
rm -rf "$libdir"
install -d "$libdir"
cp -a "$staging"/. "$libdir"/
chmod 0755 "$libdir/vdmfuse" "$libdir/vdmadm"

install -d "$destdir/usr/sbin"
cat >"$destdir/usr/sbin/vdmfuse" <<WRAPPER
#!/bin/sh
# vdmfuse [-f] [-c CONFIG] [MOUNTPOINT]
export DOTNET_ROOT="\${DOTNET_ROOT:-$dotnet_root}"
exec /usr/lib/vdmfuse/vdmfuse "\$@"
WRAPPER
chmod 0755 "$destdir/usr/sbin/vdmfuse"
cat >"$destdir/usr/sbin/vdmadm" <<WRAPPER
#!/bin/sh
# vdmadm [--mount DIR] [--json] COMMAND ...
export DOTNET_ROOT="\${DOTNET_ROOT:-$dotnet_root}"
exec /usr/lib/vdmfuse/vdmadm "\$@"
WRAPPER
chmod 0755 "$destdir/usr/sbin/vdmadm"
install -D -m 0644 "$root/packaging/include/vdmfuse/vdm.h" "$destdir/usr/include/vdmfuse/vdm.h"

install -d "$destdir/etc/systemd/system"
sed "s|^Environment=DOTNET_ROOT=.*|Environment=DOTNET_ROOT=$dotnet_root|" "$root/packaging/vdmfuse.service" \
  >"$destdir/etc/systemd/system/vdmfuse.service"
chmod 0644 "$destdir/etc/systemd/system/vdmfuse.service"

if [[ ! -e $destdir/etc/vdmfuse.conf ]]; then
  install -D -m 0644 "$root/vdmfuse.conf.example" "$destdir/etc/vdmfuse.conf"
  echo "install.sh: wrote $destdir/etc/vdmfuse.conf"
else
  echo "install.sh: kept the existing $destdir/etc/vdmfuse.conf"
fi

if [[ -z $destdir && -d /run/systemd/system ]]; then
  systemctl daemon-reload
fi
echo "install.sh: installed; start with: systemctl enable --now vdmfuse   (or run /usr/sbin/vdmfuse)"
