//! Section dates kept across runs: snapshots of what a walk found, by the commit it started at.
//!
//! A walk that starts at HEAD `Y` and meets a commit `X` for which a snapshot exists can take
//! every traced file's answer from it instead of walking on: below `X` the walk of a file
//! depends only on its path and blob at `X`, the sections still pending, the cutoff day, the
//! ignored revisions and the shallow boundary. The last three (and the tool's version) form
//! the snapshot's fingerprint; path and blob are the key of each file's entry. Positions on
//! the main line are stored relative to `X` and shifted by `X`'s position in the new walk, so
//! findings are the same as those of a walk without the cache. Review trailers a file's walk
//! saw are stored with it and used only as far as the new walk would have seen them.
//!
//! Snapshots live in the repository's git folder (`.git/blueprint-lint/history/`), never in the
//! work tree. A missing, unreadable or foreign file is a cache miss, and a failed write is
//! ignored: the cache can make a run faster, never different or failing. `--no-cache` skips it.

use super::{CommitInfo, Day, FileHistory, Limit, SectionState};
use git2::{Oid, Repository};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// Bumped whenever what a walk computes or the file layout changes.
const FORMAT: u32 = 1;
/// Snapshots kept per repository (the newest by modification time).
const KEEP: usize = 8;

#[derive(Serialize)]
struct SnapshotFile {
    format: u32,
    fingerprint: String,
    commit: String,
    commits: Vec<StoredCommit>,
    files: Vec<StoredFile>,
}

/// The same file as read: entries stay unparsed text until a walk asks for them (a PR run
/// needs a handful of the thousands a full run stored).
#[derive(Deserialize)]
struct LazySnapshotFile {
    format: u32,
    fingerprint: String,
    commit: String,
    commits: Vec<Box<RawValue>>,
    files: Vec<Box<RawValue>>,
}

/// Just the key of a stored file, read before the rest of it.
#[derive(Deserialize)]
struct StoredFileKey {
    path: String,
    blob: String,
}

#[derive(Serialize, Deserialize)]
struct StoredCommit {
    id: String,
    time: i64,
    offset_minutes: i32,
    author: String,
    subject: String,
    /// Relative to the snapshot's commit (0).
    position: usize,
}

#[derive(Serialize, Deserialize)]
struct StoredFile {
    /// Path and blob id at the snapshot's commit.
    path: String,
    blob: String,
    /// Section -> state; the number is an index into `commits`.
    sections: BTreeMap<String, (StoredKind, usize)>,
    /// Section (or `*`) -> the newest review trailer the walk saw.
    trailers: BTreeMap<String, usize>,
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq)]
enum StoredKind {
    Changed,
    Created,
    Cutoff,
    Truncated,
}

/// One file's answer from a snapshot, shifted to the new walk's positions.
pub(super) struct Resolved {
    pub sections: Vec<(String, SectionState)>,
    pub trailers: Vec<(String, Arc<CommitInfo>)>,
    /// The shallow boundary, when a section stopped there.
    pub truncated_at: Option<Arc<CommitInfo>>,
}

/// A snapshot loaded for use at one position of the new walk.
pub(super) struct Snapshot {
    position: usize,
    commits: Vec<Box<RawValue>>,
    /// Parsed commits, shifted to the new walk's positions.
    parsed: std::cell::RefCell<HashMap<usize, Arc<CommitInfo>>>,
    files: HashMap<(String, Oid), Box<RawValue>>,
}

impl Snapshot {
    fn commit(&self, index: usize) -> Option<Arc<CommitInfo>> {
        if let Some(c) = self.parsed.borrow().get(&index) {
            return Some(c.clone());
        }
        let c: StoredCommit = serde_json::from_str(self.commits.get(index)?.get()).ok()?;
        let info = Arc::new(CommitInfo {
            id: c.id,
            time: c.time,
            offset_minutes: c.offset_minutes,
            author: c.author,
            subject: c.subject,
            position: c.position + self.position,
        });
        self.parsed.borrow_mut().insert(index, info.clone());
        Some(info)
    }

    fn file(&self, path: &str, blob: Oid) -> Option<StoredFile> {
        let raw = self.files.get(&(path.to_string(), blob))?;
        serde_json::from_str(raw.get()).ok()
    }

    /// The stored answer for a file at `path` with `blob`, when it covers every `pending`
    /// section.
    pub fn resolve(&self, path: &str, blob: Oid, pending: &HashSet<String>) -> Option<Resolved> {
        let file = self.file(path, blob)?;
        let mut sections = Vec::with_capacity(pending.len());
        let mut alive_until = 0;
        let mut truncated_at = None;
        for key in pending {
            let (kind, index) = *file.sections.get(key)?;
            let commit = self.commit(index)?;
            alive_until = alive_until.max(commit.position);
            let state = match kind {
                StoredKind::Changed => SectionState::Changed(commit),
                StoredKind::Created => SectionState::Created(commit),
                StoredKind::Cutoff => SectionState::AtOrBefore(commit, Limit::Cutoff),
                StoredKind::Truncated => {
                    truncated_at = Some(commit.clone());
                    SectionState::AtOrBefore(commit, Limit::Truncated)
                }
            };
            sections.push((key.clone(), state));
        }
        // The walk reads a file's trailers only while one of its sections is unresolved:
        // with fewer sections pending than when the snapshot was made, it stops sooner.
        let trailers = file
            .trailers
            .iter()
            .filter_map(|(key, &index)| Some((key.clone(), self.commit(index)?)))
            .filter(|(_, commit)| commit.position <= alive_until)
            .collect();
        Some(Resolved {
            sections,
            trailers,
            truncated_at,
        })
    }
}

/// What a walk found for one file, to be stored: its path and blob at the walk's start and the
/// sections it walked.
pub(super) struct Found<'a> {
    pub path: &'a str,
    pub blob: Oid,
    pub walked: &'a [String],
    pub history: &'a FileHistory,
}

/// The snapshots of one repository that fit this run.
pub(super) struct Snapshots {
    dir: PathBuf,
    fingerprint: String,
    available: HashMap<Oid, PathBuf>,
}

/// Whether a snapshot was made at `commit` (for any cutoff, ignore list and shallow set).
pub(super) fn has_snapshot_at(repo: &Repository, commit: Oid) -> bool {
    let prefix = format!("{commit}-");
    let dir = repo.path().join("blueprint-lint").join("history");
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&prefix))
        })
}

impl Snapshots {
    /// Lists the snapshots made under the same conditions as this run.
    pub fn open(
        repo: &Repository,
        stop_before_day: Option<Day>,
        ignored: &HashSet<Oid>,
        shallow: &HashSet<Oid>,
    ) -> Snapshots {
        let dir = repo.path().join("blueprint-lint").join("history");
        let fingerprint = fingerprint(stop_before_day, ignored, shallow);
        let suffix = format!("-{fingerprint}.json");
        let mut available = HashMap::new();
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let Some(commit) = name.to_str().and_then(|n| n.strip_suffix(&suffix)) else {
                continue;
            };
            if let Ok(id) = Oid::from_str(commit) {
                available.insert(id, entry.path());
            }
        }
        Snapshots {
            dir,
            fingerprint,
            available,
        }
    }

    /// The snapshot made at `commit`, for use where the new walk meets it (`position`).
    pub fn load(&self, commit: Oid, position: usize) -> Option<Snapshot> {
        let path = self.available.get(&commit)?;
        let stored: LazySnapshotFile = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
        if stored.format != FORMAT
            || stored.fingerprint != self.fingerprint
            || stored.commit != commit.to_string()
        {
            return None;
        }
        let mut files = HashMap::new();
        for raw in stored.files {
            let Ok(key) = serde_json::from_str::<StoredFileKey>(raw.get()) else {
                continue;
            };
            if let Ok(blob) = Oid::from_str(&key.blob) {
                files.insert((key.path, blob), raw);
            }
        }
        Some(Snapshot {
            position,
            commits: stored.commits,
            parsed: Default::default(),
            files,
        })
    }

    /// Stores what a walk from `head` found, together with what an earlier snapshot of the
    /// same commit holds for other files. Failures are ignored (a read-only clone, say).
    pub fn save(&self, head: Oid, found: &[Found]) {
        let mut commits = Commits::default();
        let mut files: BTreeMap<(String, String), StoredFile> = BTreeMap::new();
        if let Some(previous) = self.load(head, 0) {
            for (path, blob) in previous.files.keys() {
                let Some(file) = previous.file(path, *blob) else {
                    continue;
                };
                let sections = file
                    .sections
                    .iter()
                    .filter_map(|(key, &(kind, i))| {
                        let commit = previous.commit(i)?;
                        Some((key.clone(), (kind, commits.index(&commit))))
                    })
                    .collect();
                let trailers = file
                    .trailers
                    .iter()
                    .filter_map(|(key, &i)| {
                        Some((key.clone(), commits.index(&*previous.commit(i)?)))
                    })
                    .collect();
                files.insert(
                    (file.path.clone(), file.blob.clone()),
                    StoredFile {
                        sections,
                        trailers,
                        ..file
                    },
                );
            }
        }
        for f in found {
            let mut sections = BTreeMap::new();
            for key in f.walked {
                let stored = match f.history.sections.get(key) {
                    Some(SectionState::Changed(c)) => (StoredKind::Changed, commits.index(c)),
                    Some(SectionState::Created(c)) => (StoredKind::Created, commits.index(c)),
                    Some(SectionState::AtOrBefore(c, Limit::Cutoff)) => {
                        (StoredKind::Cutoff, commits.index(c))
                    }
                    Some(SectionState::AtOrBefore(c, Limit::Truncated)) => {
                        (StoredKind::Truncated, commits.index(c))
                    }
                    // Not resolved by the walk: nothing trustworthy to store for this file.
                    _ => break,
                };
                sections.insert(key.clone(), stored);
            }
            if sections.len() != f.walked.len() {
                continue;
            }
            let trailers = f
                .history
                .trailer_reviews
                .iter()
                .map(|(key, c)| (key.clone(), commits.index(c)))
                .collect();
            files.insert(
                (f.path.to_string(), f.blob.to_string()),
                StoredFile {
                    path: f.path.to_string(),
                    blob: f.blob.to_string(),
                    sections,
                    trailers,
                },
            );
        }
        let snapshot = SnapshotFile {
            format: FORMAT,
            fingerprint: self.fingerprint.clone(),
            commit: head.to_string(),
            commits: commits.list,
            files: files.into_values().collect(),
        };
        let _ = self.write(head, &snapshot);
        self.prune();
    }

    fn write(&self, head: Oid, snapshot: &SnapshotFile) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let bytes = serde_json::to_vec(snapshot).map_err(std::io::Error::other)?;
        // Written next to its final name and renamed into place, so that a reader sees the old
        // or the new snapshot, never half of one. No fsync: a snapshot lost in a crash is only a
        // cache miss.
        let mut temp = tempfile::NamedTempFile::new_in(&self.dir)?;
        temp.write_all(&bytes)?;
        temp.persist(self.dir.join(format!("{head}-{}.json", self.fingerprint)))
            .map_err(|e| e.error)?;
        Ok(())
    }

    /// Keeps the newest `KEEP` snapshots.
    fn prune(&self) {
        let mut snapshots: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_str().is_some_and(|n| n.ends_with(".json")))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        snapshots.sort_by_key(|s| std::cmp::Reverse(s.0));
        for (_, path) in snapshots.into_iter().skip(KEEP) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The commit table of a snapshot being written.
#[derive(Default)]
struct Commits {
    list: Vec<StoredCommit>,
    by_id: HashMap<String, usize>,
}

impl Commits {
    fn index(&mut self, commit: &CommitInfo) -> usize {
        if let Some(&i) = self.by_id.get(&commit.id) {
            return i;
        }
        self.list.push(StoredCommit {
            id: commit.id.clone(),
            time: commit.time,
            offset_minutes: commit.offset_minutes,
            author: commit.author.clone(),
            subject: commit.subject.clone(),
            position: commit.position,
        });
        self.by_id.insert(commit.id.clone(), self.list.len() - 1);
        self.list.len() - 1
    }
}

/// What besides path and blob decides a walk's result: the cutoff, the ignored revisions, the
/// shallow boundary and the tool's version.
fn fingerprint(
    stop_before_day: Option<Day>,
    ignored: &HashSet<Oid>,
    shallow: &HashSet<Oid>,
) -> String {
    let sorted = |set: &HashSet<Oid>| {
        let mut ids: Vec<String> = set.iter().map(Oid::to_string).collect();
        ids.sort();
        ids.join(",")
    };
    let text = format!(
        "format {FORMAT}; version {}; cutoff {:?}; ignored {}; shallow {}",
        env!("CARGO_PKG_VERSION"),
        stop_before_day,
        sorted(ignored),
        sorted(shallow)
    );
    let digest = Sha256::digest(text.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}
