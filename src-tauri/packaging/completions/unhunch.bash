# bash completion for unhunch(1): the commands, their options and arguments, as `unhunch --help` lists them.
_unhunch() {
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W "status stretch-now snooze skip pause resume quit settings history routines config autostart --from-menu --help --version" -- "$cur"))
        return
    fi
    case ${COMP_WORDS[1]} in
        status)
            COMPREPLY=($(compgen -W "--json" -- "$cur")) ;;
        snooze)
            [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W "5m 10m 15m 30m" -- "$cur")) ;;
        pause)
            [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W "30m 1h until-tomorrow indefinitely" -- "$cur")) ;;
        history)
            if [[ $prev == --days ]]; then
                COMPREPLY=($(compgen -W "1 7 30 365" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "--json --days --open" -- "$cur"))
            fi ;;
        routines)
            if [[ $COMP_CWORD -eq 2 ]]; then
                COMPREPLY=($(compgen -W "check" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -- "$cur"))
            fi ;;
        config)
            if [[ $COMP_CWORD -eq 2 ]]; then
                COMPREPLY=($(compgen -W "check" -- "$cur"))
            elif [[ $COMP_CWORD -eq 3 ]]; then
                COMPREPLY=($(compgen -f -- "$cur"))
            fi ;;
        autostart)
            [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W "on off" -- "$cur")) ;;
    esac
}
complete -F _unhunch unhunch
