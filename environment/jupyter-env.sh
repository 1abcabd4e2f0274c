# Sourced by the environment scripts (and by hand: `source environment/jupyter-env.sh` before
# `jupyter lab`): the project-local kernelspec first, Jupyter's runtime files under target/,
# Debian's python without user site-packages.
_is_env="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_is_root="$(cd "$_is_env/.." && pwd)"
export JUPYTER_PATH="$_is_env/.jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export JUPYTER_RUNTIME_DIR="${JUPYTER_RUNTIME_DIR:-$_is_root/target/jupyter-runtime}"
export PYTHONNOUSERSITE=1
IS_PYTHON=/usr/bin/python3
IS_KERNELS="$_is_env/.jupyter/kernels"
if [[ ! -f "$IS_KERNELS/java/kernel.json" ]]; then
  echo "no kernelspec in $IS_KERNELS/java; run: bash $_is_env/setup" >&2
  return 1 2>/dev/null || exit 1
fi
mkdir -p "$JUPYTER_RUNTIME_DIR"
unset _is_env _is_root
