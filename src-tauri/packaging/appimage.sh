#!/usr/bin/env bash
# Builds the Linux AppImage from the .deb that `npx tauri build --bundles deb` makes, without the
# network. Tauri's own AppImage bundler fetches linuxdeploy and AppRun from GitHub at build time;
# this does the same job with Debian's tools (patchelf, mksquashfs) and the type-2 AppImage
# runtime that the `appimage` crate ships on crates.io (pinned by checksum below).
#
#   src-tauri/packaging/appimage.sh [path/to/wa-sync_VERSION_amd64.deb]
#
# The AppImage carries the app with WebKitGTK, GTK and every library they load, except the ones
# that must come from the host (libc, the graphics drivers, X11). It runs on distributions with
# this build machine's glibc or newer; with FUSE 2 it mounts itself, without it
# `--appimage-extract-and-run` (or APPIMAGE_EXTRACT_AND_RUN=1) unpacks it to /tmp and runs it.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
version=$(node -p "require(process.argv[1]).version" "$root/tauri.conf.json")
product=$(node -p "require(process.argv[1]).productName" "$root/tauri.conf.json")
multiarch=x86_64-linux-gnu
[ "$(uname -m)" = x86_64 ] || { echo "appimage.sh: only x86_64 is supported (this is $(uname -m))" >&2; exit 2; }

deb=${1:-$target/release/bundle/deb/${product}_${version}_amd64.deb}
[ -f "$deb" ] || {
  echo "appimage.sh: $deb is missing; build it first with: npx tauri build --bundles deb" >&2
  exit 2
}
for tool in dpkg-deb patchelf mksquashfs glib-compile-schemas file; do
  command -v "$tool" >/dev/null || {
    echo "appimage.sh: '$tool' is missing; install it with: apt-get install patchelf squashfs-tools libglib2.0-bin file" >&2
    exit 2
  }
done

out_dir=$target/release/bundle/appimage
appdir=$out_dir/$product.AppDir
appimage=$out_dir/${product}_${version}_amd64.AppImage
rm -rf "$appdir" "$appimage"
mkdir -p "$appdir"
log() { printf 'appimage: %s\n' "$*"; }

# --- the AppImage runtime --------------------------------------------------------------------
runtime_crate=appimage
runtime_version=0.4.0
runtime_sha256=328e0d745c5c6817048c27bc3e8314871703f8f47ffa81a37cb06cd95a94b323
fetch_dir=$out_dir/runtime-crate
mkdir -p "$fetch_dir/src"
printf '[workspace]\n\n[package]\nname = "runtime-fetch"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n%s = "=%s"\n' \
  "$runtime_crate" "$runtime_version" >"$fetch_dir/Cargo.toml"
: >"$fetch_dir/src/lib.rs"
cargo fetch -q --manifest-path "$fetch_dir/Cargo.toml"
runtime=$(find "${CARGO_HOME:-$HOME/.cargo}/registry/src" -path "*/$runtime_crate-$runtime_version/assets/runtime-x86_64" | head -n1)
[ -n "$runtime" ] || { echo "appimage.sh: cargo fetched $runtime_crate $runtime_version but its runtime is not there" >&2; exit 1; }
echo "$runtime_sha256  $runtime" | sha256sum --check --quiet || {
  echo "appimage.sh: the runtime in $runtime_crate $runtime_version does not have the pinned checksum; refusing to use it" >&2
  exit 1
}

# --- the app, as the .deb installs it ---------------------------------------------------------
log "unpacking $(basename "$deb")"
dpkg-deb -x "$deb" "$appdir"
desktop_file=$(find "$appdir/usr/share/applications" -name '*.desktop' | head -n1)
binary=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop_file")
icon_name=$(sed -n 's/^Icon=//p' "$desktop_file")
[ -x "$appdir/usr/bin/$binary" ] || { echo "appimage.sh: the .deb has no usr/bin/$binary" >&2; exit 1; }

# The largest square PNG becomes the AppImage's own icon.
largest_icon=$(for png in "$appdir"/usr/share/icons/hicolor/*/apps/"$icon_name".png; do
  file -b "$png" | sed -n "s|^PNG image data, \([0-9]*\) x \1,.*|\1 $png|p"
done | sort -n | tail -n1 | cut -d' ' -f2-)
cp "$largest_icon" "$appdir/$icon_name.png"
ln -s "$icon_name.png" "$appdir/.DirIcon"
cp "$desktop_file" "$appdir/"

# --- WebKitGTK's helper processes and what GTK loads at run time ---------------------------------
sys_lib=/usr/lib/$multiarch
copy_from_system() { # keeps each file at its system path inside the AppDir
  for path in "$@"; do
    mkdir -p "$appdir$(dirname "$path")"
    cp -a "$path" "$appdir$path"
  done
}
webkit_dir=$sys_lib/webkit2gtk-4.1
copy_from_system "$webkit_dir/WebKitNetworkProcess" "$webkit_dir/WebKitWebProcess" \
  "$webkit_dir/injected-bundle/libwebkit2gtkinjectedbundle.so"

schemas=/usr/share/glib-2.0/schemas
copy_from_system "$schemas"
glib-compile-schemas "$appdir$schemas"

gtk_dir=$sys_lib/gtk-3.0
copy_from_system "$gtk_dir"
pixbuf_dir=$sys_lib/gdk-pixbuf-2.0/2.10.0
copy_from_system "$pixbuf_dir"
gio_tls=$sys_lib/gio/modules/libgiognutls.so
copy_from_system "$gio_tls"

# GTK's module caches name modules by absolute path; bare names let them resolve inside the
# AppDir (through usr/lib, where each module gets a link).
for cache in "$appdir$gtk_dir/3.0.0/immodules.cache" "$appdir$pixbuf_dir/loaders.cache"; do
  [ -f "$cache" ] && sed -i -E 's|"/usr/lib/[^"]*/([^/"]+\.so)"|"\1"|' "$cache"
done
mkdir -p "$appdir/usr/lib"
for module in "$appdir$gtk_dir"/3.0.0/immodules/*.so "$appdir$pixbuf_dir"/loaders/*.so; do
  [ -e "$module" ] && ln -sf "$(realpath --relative-to="$appdir/usr/lib" "$module")" "$appdir/usr/lib/$(basename "$module")"
done

# --- shared libraries ------------------------------------------------------------------------
# Left to the host: the C library (it must match the dynamic loader), the graphics stack (it must
# match the host's GPU driver and display server), and a few base libraries whose configuration
# files live on the host. This mirrors the AppImage project's exclusion policy.
host_library() {
  case "$1" in
  ld-linux*.so.* | libc.so.* | libm.so.* | libmvec.so.* | libdl.so.* | libpthread.so.* | librt.so.* | \
    libresolv.so.* | libutil.so.* | libanl.so.* | libnss_*.so.* | libthread_db.so.* | libBrokenLocale.so.* | \
    libgcc_s.so.* | libstdc++.so.* | \
    libGL.so.* | libGLX.so.* | libGLdispatch.so.* | libEGL.so.* | libOpenGL.so.* | libGLESv2.so.* | \
    libgbm.so.* | libdrm.so.* | libglapi.so.* | libvulkan.so.* | \
    libX11.so.* | libX11-xcb.so.* | libxcb.so.* | libxcb-*.so.* | libwayland-*.so.* | \
    libasound.so.* | libjack.so.* | libpipewire-*.so.* | \
    libfontconfig.so.* | libfreetype.so.* | libharfbuzz.so.* | libexpat.so.* | libz.so.* | \
    libuuid.so.* | libcom_err.so.* | libgpg-error.so.* | libICE.so.* | libSM.so.* | libusb-1.0.so.*)
    return 0 ;;
  esac
  return 1
}

mapfile -t elf_files < <(find "$appdir/usr" -type f \( -name '*.so' -o -name '*.so.*' -o -perm -u+x \) \
  -exec sh -c 'head -c4 "$1" | grep -q "ELF" && echo "$1"' _ {} \;)
log "resolving the libraries of ${#elf_files[@]} programs and modules"
declare -A bundled=()
for elf in "${elf_files[@]}"; do
  while read -r name arrow path _; do
    [ "$arrow" = "=>" ] || continue
    if [ "$path" = not ]; then
      echo "appimage.sh: $name, needed by ${elf#"$appdir"/}, is not installed on this machine" >&2
      exit 1
    fi
    host_library "$name" && continue
    [ -n "${bundled[$name]:-}" ] && continue
    bundled[$name]=1
    cp -L "$path" "$appdir/usr/lib/$name"
  done < <(ldd "$elf")
done
log "bundled ${#bundled[@]} libraries"

# Every program and library finds its neighbours relative to itself, never through the host.
while IFS= read -r elf; do
  chmod u+w "$elf"
  patchelf --set-rpath "\$ORIGIN/$(realpath --relative-to="$(dirname "$elf")" "$appdir/usr/lib")" "$elf"
done < <(printf '%s\n' "${elf_files[@]}"; for name in "${!bundled[@]}"; do echo "$appdir/usr/lib/$name"; done)

# WebKitGTK starts its helper processes from absolute paths under /usr. Rewritten to the
# same-length relative "././", they resolve against AppRun's working directory, the AppDir's usr/.
webkit_lib=$(ls "$appdir"/usr/lib/libwebkit2gtk-4.1.so.*)
sed -i -e 's|/usr|././|g' "$webkit_lib"

# --- the entry point -------------------------------------------------------------------------
[ -x "$appdir/usr/bin/wa-sync" ] || { echo "appimage.sh: the .deb has no usr/bin/wa-sync (the command line); build it with: make deb" >&2; exit 1; }
cat >"$appdir/AppRun" <<EOF
#!/bin/sh
# Entry point of the wa-sync AppImage. Started as \`wa-sync\` (a link named so; the runtime
# passes the name it was started by in ARGV0) or with --cli first, it runs the command line in
# the caller's directory. Otherwise it points GTK and GLib at what the AppDir carries and starts
# the app from usr/ (WebKitGTK finds its helper processes relative to it).
APPDIR=\${APPDIR:-\$(dirname "\$(readlink -f "\$0")")}
export APPDIR
if [ "\${ARGV0##*/}" = wa-sync ]; then
  exec "\$APPDIR/usr/bin/wa-sync" "\$@"
fi
if [ "\${1:-}" = --cli ]; then
  shift
  exec "\$APPDIR/usr/bin/wa-sync" "\$@"
fi
export OWD="\${OWD:-\$PWD}"
export GSETTINGS_SCHEMA_DIR="\$APPDIR$schemas"
export GTK_EXE_PREFIX="\$APPDIR/usr"
export GTK_DATA_PREFIX="\$APPDIR"
export GTK_PATH="\$APPDIR$gtk_dir"
export GTK_IM_MODULE_FILE="\$APPDIR$gtk_dir/3.0.0/immodules.cache"
export GDK_PIXBUF_MODULE_FILE="\$APPDIR$pixbuf_dir/loaders.cache"
export GIO_EXTRA_MODULES="\$APPDIR$(dirname "$gio_tls")"
export XDG_DATA_DIRS="\$APPDIR/usr/share:\${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
cd "\$APPDIR/usr" || exit 1
exec "\$APPDIR/usr/bin/$binary" "\$@"
EOF
chmod 755 "$appdir/AppRun"

# --- the image -------------------------------------------------------------------------------
log "compressing the AppDir"
squashfs=$out_dir/$product.squashfs
rm -f "$squashfs"
mksquashfs "$appdir" "$squashfs" -root-owned -noappend -comp gzip -quiet >/dev/null
cat "$runtime" "$squashfs" >"$appimage"
chmod 755 "$appimage"
rm -f "$squashfs"
log "$appimage ($(du -h "$appimage" | cut -f1))"
