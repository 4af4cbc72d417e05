//! Whether a camera is in use: some other process holds a `/dev/video*` device open. Read from
//! the links in `/proc/<pid>/fd`, which name the files each process has open. Processes the user
//! may not look into are skipped (a camera app of the same user is always readable).

use std::path::Path;

/// Whether a process other than `own_pid` has a `/dev/video*` open, per the `/proc`-like tree at
/// `proc_root`.
pub fn in_use(proc_root: &Path, own_pid: u32) -> bool {
    let Ok(processes) = std::fs::read_dir(proc_root) else {
        return false;
    };
    processes.flatten().any(|process| {
        let name = process.file_name();
        let Some(pid) = name.to_str().and_then(|name| name.parse::<u32>().ok()) else {
            return false;
        };
        if pid == own_pid {
            return false;
        }
        let Ok(descriptors) = std::fs::read_dir(process.path().join("fd")) else {
            return false;
        };
        descriptors.flatten().any(|descriptor| {
            std::fs::read_link(descriptor.path()).is_ok_and(|target| {
                target
                    .to_str()
                    .is_some_and(|target| target.starts_with("/dev/video"))
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// A `/proc`-like tree, removed when dropped.
    struct FakeProc(PathBuf);

    impl Drop for FakeProc {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A `/proc`-like tree named `name`: each (pid, link targets) gets `pid/fd/N -> target`.
    fn fake_proc(name: &str, processes: &[(u32, &[&str])]) -> FakeProc {
        let root =
            std::env::temp_dir().join(format!("unhunch-camera-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (pid, targets) in processes {
            let fd = root.join(pid.to_string()).join("fd");
            std::fs::create_dir_all(&fd).expect("fd dir");
            for (number, target) in targets.iter().enumerate() {
                std::os::unix::fs::symlink(target, fd.join(number.to_string())).expect("link");
            }
        }
        // Entries that are not processes are passed over.
        std::fs::create_dir_all(root.join("self")).expect("non-pid entry");
        FakeProc(root)
    }

    #[test]
    fn another_process_with_a_video_device_open_is_a_camera_in_use() {
        let proc = fake_proc(
            "other",
            &[(10, &["/dev/null", "pipe:[123]"]), (20, &["/dev/video0"])],
        );
        assert!(in_use(&proc.0, 1));
    }

    #[test]
    fn no_video_device_open_is_no_camera() {
        let proc = fake_proc("none", &[(10, &["/dev/null", "/dev/snd/pcmC0D0p"])]);
        assert!(!in_use(&proc.0, 1));
    }

    #[test]
    fn the_daemon_itself_does_not_count() {
        let proc = fake_proc("own", &[(20, &["/dev/video2"])]);
        assert!(!in_use(&proc.0, 20));
    }
}
