# fish completion for unhunch(1): the commands, their options and arguments, as `unhunch --help` lists them.
set -l commands status stretch-now snooze skip pause resume quit settings history routines config autostart
complete -c unhunch -f
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -l help -d 'show the commands, files and exit codes'
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -l version -d 'show the version'
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -l from-menu -d 'start as the application menu does (asks once about starting at login)'
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -a status -d 'when the next break is, or why there is none'
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -a stretch-now -d 'start a stretch break right away'
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -a snooze -d 'put the due break off'
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -a skip -d 'skip the due break, or the next one'
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -a pause -d 'no breaks for a while'
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -a resume -d 'end a pause'
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -a quit -d 'stop Unhunch'
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -a settings -d 'open the settings window'
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -a history -d 'your breaks day by day'
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -a routines -d 'check routine files'
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -a config -d 'check a config file'
complete -c unhunch -n "not __fish_seen_subcommand_from $commands" -a autostart -d 'start Unhunch when you log in, or stop doing so'
complete -c unhunch -n "__fish_seen_subcommand_from status history" -l json -d 'print JSON'
complete -c unhunch -n "__fish_seen_subcommand_from history" -l open -d 'open the history window'
complete -c unhunch -n "__fish_seen_subcommand_from history" -l days -x -d 'how many days to look back'
complete -c unhunch -n "__fish_seen_subcommand_from pause" -a 'until-tomorrow indefinitely 30m 1h'
complete -c unhunch -n "__fish_seen_subcommand_from routines config; and not __fish_seen_subcommand_from check" -a check
complete -c unhunch -n "__fish_seen_subcommand_from routines config; and __fish_seen_subcommand_from check" -F
complete -c unhunch -n "__fish_seen_subcommand_from autostart" -a 'on off'
