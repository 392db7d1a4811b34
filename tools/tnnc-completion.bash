# bash completion for tnnc (installed as share/bash-completion/completions/tnnc).
# The option names and their value lists are read from `tnnc --help` (once
# per shell), so the completion follows the installed tnnc.
_tnnc_help_cache=""

_tnnc() {
  # the words as typed: bash splits COMP_WORDS at '=', so read COMP_LINE;
  # replies then complete the part after the last '=' (a word break)
  local line=${COMP_LINE:0:COMP_POINT} cur="" prev=""
  local -a w
  read -r -a w <<< "$line"
  if [ "${line% }" != "$line" ]; then prev=${w[${#w[@]} - 1]}
  else cur=${w[${#w[@]} - 1]}; [ "${#w[@]}" -gt 1 ] && prev=${w[${#w[@]} - 2]}; fi
  [ -n "$_tnnc_help_cache" ] || _tnnc_help_cache=$("${w[0]}" --help 2>/dev/null)
  local help=$_tnnc_help_cache

  case $prev in                       # the value of the previous option
    -o) COMPREPLY=($(compgen -f -X '!*.c' -- "$cur") $(compgen -d -- "$cur")); return ;;
    --const-input) COMPREPLY=($(compgen -f -- "${cur#*=}")); return ;;
    --prefix|--batch|--tolerance) return ;;
    --limit)
      COMPREPLY=($(compgen -W "elements weight-bytes nodes depth memory" -- "$cur"))
      compopt -o nospace 2>/dev/null; COMPREPLY=("${COMPREPLY[@]/%/=}"); return ;;
  esac
  case $cur in
    --*=*)                            # --opt=a|b|c (or --opt[=a]) in the help
      local opt=${cur%%=*} vals
      vals=$(printf '%s\n' "$help" | grep -o -- "^ *$opt\\(\\[\\?=\\| \\)[a-z0-9|-]*" | head -n 1 |
        sed "s/^ *$opt\\[\\{0,1\\}[= ]//" | tr '|' ' ')
      [ "$opt" = --dump-ir ] && vals=$(printf '%s\n' "$help" | grep -A2 -- '--dump-ir' | tail -n 1 |
        tr ' ' '\n' | grep -v -e '^$' -e ':' | sed 's/^/after-/')
      COMPREPLY=($(compgen -W "$vals" -- "${cur#*=}"))
      return ;;
    -*)
      COMPREPLY=($(compgen -W "-o $(printf '%s\n' "$help" | grep -E -- '^  (-[a-z], )?--[a-z]' | grep -o -- '--[a-z][a-z0-9-]*=\?' | sort -u)" -- "$cur"))
      [ "${#COMPREPLY[@]}" -eq 1 ] && [ "${COMPREPLY[0]%=}" != "${COMPREPLY[0]}" ] && compopt -o nospace 2>/dev/null
      return ;;
  esac
  COMPREPLY=($(compgen -f -X '!*.onnx' -- "$cur") $(compgen -d -- "$cur"))
}
complete -o filenames -F _tnnc tnnc
