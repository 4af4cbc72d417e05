//! Reads a process tree's footprint from /proc: PSS and private memory from `smaps_rollup`, CPU time
//! from each thread's `schedstat` and wakeups (voluntary context switches) from each thread's `status`.

use std::collections::HashMap;
use std::fs;
use std::time::{Duration, Instant};

/// The memory of a set of processes, summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// Proportional set size: private pages plus a fair share of shared ones.
    pub pss_kib: u64,
    /// Pages no other process maps (USS).
    pub private_kib: u64,
    /// How many processes were summed.
    pub processes: usize,
}

/// CPU time and voluntary context switches of every thread of a set of processes at one moment.
#[derive(Debug, Clone)]
pub struct CpuSnapshot {
    taken_at: Instant,
    /// Counters by thread id (thread ids are unique system-wide while the threads live).
    threads: HashMap<u32, ThreadCounters>,
}

/// What a set of processes used between two snapshots.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuUse {
    pub cpu_seconds_per_minute: f64,
    pub wakeups_per_second: f64,
    pub measured_for: Duration,
}

/// `root` and all its descendants that are alive now, `root` first.
pub fn process_tree(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = all_processes()
        .into_iter()
        .filter_map(|pid| Some((pid, parent_of(pid)?)))
        .collect();
    let mut tree = vec![root];
    let mut next = 0;
    while next < tree.len() {
        let parent = tree[next];
        tree.extend(
            parents
                .iter()
                .filter(|(_, its_parent)| *its_parent == parent)
                .map(|(pid, _)| *pid),
        );
        next += 1;
    }
    tree.retain(|pid| is_alive(*pid));
    tree
}

/// Whether `pid` is a live process (not gone, not a zombie).
pub fn is_alive(pid: u32) -> bool {
    state_of(pid).is_some_and(|state| state != 'Z' && state != 'X')
}

/// The summed memory of `pids`; processes that exited meanwhile are left out.
pub fn memory_of(pids: &[u32]) -> Memory {
    let mut memory = Memory {
        pss_kib: 0,
        private_kib: 0,
        processes: 0,
    };
    for pid in pids {
        let Ok(rollup) = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        memory.processes += 1;
        for line in rollup.lines() {
            let Some((field, value)) = line.split_once(':') else {
                continue;
            };
            let kib: u64 = value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .unwrap_or(0);
            match field {
                "Pss" => memory.pss_kib += kib,
                "Private_Clean" | "Private_Dirty" => memory.private_kib += kib,
                _ => {}
            }
        }
    }
    memory
}

/// The CPU counters of every thread of `pids` now.
pub fn cpu_snapshot(pids: &[u32]) -> CpuSnapshot {
    let mut threads = HashMap::new();
    for pid in pids {
        let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
            continue;
        };
        for task in tasks.filter_map(Result::ok) {
            let Some(tid) = task.file_name().to_str().and_then(|name| name.parse().ok()) else {
                continue;
            };
            if let Some(counters) = thread_counters(*pid, tid) {
                threads.insert(tid, counters);
            }
        }
    }
    CpuSnapshot {
        taken_at: Instant::now(),
        threads,
    }
}

/// What the threads used between `before` and `after`; a thread that started in between counts from
/// zero, and one that ended in between is not counted.
pub fn cpu_between(before: &CpuSnapshot, after: &CpuSnapshot) -> CpuUse {
    let zero = ThreadCounters::default();
    let (mut cpu_nanoseconds, mut switches) = (0u64, 0u64);
    for (tid, now) in &after.threads {
        let then = before.threads.get(tid).unwrap_or(&zero);
        cpu_nanoseconds += now.cpu_nanoseconds.saturating_sub(then.cpu_nanoseconds);
        switches += now
            .voluntary_switches
            .saturating_sub(then.voluntary_switches);
    }
    let measured_for = after.taken_at.duration_since(before.taken_at);
    let seconds = measured_for.as_secs_f64().max(f64::EPSILON);
    CpuUse {
        cpu_seconds_per_minute: cpu_nanoseconds as f64 / 1e9 / seconds * 60.0,
        wakeups_per_second: switches as f64 / seconds,
        measured_for,
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct ThreadCounters {
    cpu_nanoseconds: u64,
    voluntary_switches: u64,
}

fn thread_counters(pid: u32, tid: u32) -> Option<ThreadCounters> {
    let schedstat = fs::read_to_string(format!("/proc/{pid}/task/{tid}/schedstat")).ok()?;
    // The first field is the time spent on a CPU, in nanoseconds.
    let cpu_nanoseconds = schedstat.split_whitespace().next()?.parse().ok()?;
    let status = fs::read_to_string(format!("/proc/{pid}/task/{tid}/status")).ok()?;
    let voluntary_switches = status
        .lines()
        .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))?
        .trim()
        .parse()
        .ok()?;
    Some(ThreadCounters {
        cpu_nanoseconds,
        voluntary_switches,
    })
}

fn all_processes() -> Vec<u32> {
    fs::read_dir("/proc")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| entry.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The fields of /proc/PID/stat after the command name, which is in parentheses and may hold spaces.
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = stat.get(stat.rfind(')')? + 2..)?;
    Some(after_name.split(' ').map(str::to_owned).collect())
}

fn state_of(pid: u32) -> Option<char> {
    stat_fields(pid)?.first()?.chars().next()
}

fn parent_of(pid: u32) -> Option<u32> {
    stat_fields(pid)?.get(1)?.parse().ok()
}

/// The most a process tree held at once while it was watched, and the most each of its kinds of
/// process held on its own (their peaks need not fall on the same sample).
#[derive(Debug, Clone, Default)]
pub struct TreePeak {
    /// The largest sum over the whole tree at one sample.
    pub total: Option<Memory>,
    /// Each kind's own largest reading, in the order the kinds were first seen.
    pub by_kind: Vec<(&'static str, Memory)>,
    /// How many samples were taken.
    pub samples: usize,
}

/// Samples a process tree's memory every `every` on a thread of its own until stopped, keeping
/// the peaks: one reading after the fact would miss what a page holds while it shows a picture.
pub struct TreeSampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<TreePeak>,
}

impl TreeSampler {
    /// Starts sampling `root`'s tree, naming each process by `kind_of` (given its command line).
    pub fn start(root: u32, every: Duration, kind_of: fn(&str) -> &'static str) -> TreeSampler {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peak = TreePeak::default();
            // Read once more after the stop, so a sampler stopped at once still reads the tree.
            loop {
                let last = stopped.load(Ordering::Relaxed);
                let tree = process_tree(root);
                let mut total = memory_of(&[]);
                for pid in tree {
                    let memory = memory_of(&[pid]);
                    if memory.processes == 0 {
                        continue;
                    }
                    total.add(memory);
                    let kind = kind_of(&unhunch_tests::desktop::command_line(pid));
                    match peak.by_kind.iter_mut().find(|(seen, _)| *seen == kind) {
                        Some((_, most)) if most.pss_kib < memory.pss_kib => *most = memory,
                        Some(_) => {}
                        None => peak.by_kind.push((kind, memory)),
                    }
                }
                if total.processes > 0 {
                    peak.samples += 1;
                    if peak.total.is_none_or(|most| most.pss_kib < total.pss_kib) {
                        peak.total = Some(total);
                    }
                }
                if last {
                    return peak;
                }
                std::thread::sleep(every);
            }
        });
        TreeSampler { stop, thread }
    }

    /// Stops sampling and returns the peaks.
    pub fn stop(self) -> TreePeak {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap_or_default()
    }
}

impl Memory {
    fn add(&mut self, other: Memory) {
        self.pss_kib += other.pss_kib;
        self.private_kib += other.private_kib;
        self.processes += other.processes;
    }
}
