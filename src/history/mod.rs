//! Git-native freshness: when did each section of each blueprint last change?
//!
//! All git access of the tool lives here. The model (see README "Freshness"):
//!
//! - We walk the first-parent chain from HEAD once, newest first. A change is dated by the
//!   committer time of the first-parent commit that brought it onto the main line, so merge,
//!   squash and rebase workflows agree (a merged branch is dated at its merge).
//! - A section changes only when its parsed value changes: every top-level key's value is hashed
//!   in a canonical form (key order, quoting, indentation, comments, flow/block style ignored).
//!   Section hashes are cached by blob id, so every blob version is parsed at most once.
//! - The tree comparison is our own and pruned: subtrees whose id did not change are skipped,
//!   and only folders on the way to a traced blueprint are entered (all changed folders only
//!   when a traced file appears, to find where it was renamed or moved from: same `id`, then
//!   identical blob).
//! - Shallow clones: libgit2 shows a shallow-boundary commit as a root, so we read the
//!   repository's `shallow` file ourselves and never attribute a change to a boundary commit:
//!   what is unresolved there is "at or before" the boundary (unknown), never a wrong date.
//! - Uncommitted work: a section whose working-tree value differs from HEAD changed "now"; an
//!   untracked blueprint is new. Formatting-only local edits change nothing.
//! - Reviews: `Blueprint-Reviewed: <id>[#section,...]` trailers of first-parent commits are read
//!   during the walk; `reviewed:` stamps are read from the working tree and tied to the commit
//!   that wrote them (the `reviewed` key is traced like a section).
//! - Commits listed in `.git-blame-ignore-revs` or the config's `history.ignore_revs` do not
//!   count as changes (their changes are carried through to the state before them).

use crate::yaml::{self, Node, Value};
use git2::{ObjectType, Oid, Repository};
use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

mod cache;
mod config;
mod dates;
pub use config::{
    check_option, dependencies, largest_max_age, max_age, parse_config, HistoryConfig,
    DEFAULT_DEPENDENCIES, DEFAULT_MAX_AGE_DAYS, SECTIONS,
};
pub use dates::*;

// ---------------------------------------------------------------------------------------------
// Results.

/// A first-parent commit, as the findings describe it.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub id: String,
    /// Seconds since the epoch (committer time).
    pub time: i64,
    /// The committer's UTC offset in minutes (the date shown is the committer's local date).
    pub offset_minutes: i32,
    pub author: String,
    pub subject: String,
    /// 0 = HEAD, 1 = HEAD's first parent, ...: the order on the main line.
    pub position: usize,
}

impl CommitInfo {
    pub fn short(&self) -> &str {
        &self.id[..self.id.len().min(7)]
    }
    /// The committer's calendar date.
    pub fn day(&self) -> Day {
        local_day(self.time, self.offset_minutes)
    }
    pub fn date(&self) -> String {
        format_day(self.day())
    }
}

/// Why the walk could not go further back for a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The clone is shallow and this is its oldest commit.
    Truncated,
    /// The walk stopped at the oldest max-age cutoff: anything older is stale anyway.
    Cutoff,
}

/// The last change of one section.
#[derive(Debug, Clone)]
pub enum SectionState {
    /// Changed by this first-parent commit.
    Changed(Arc<CommitInfo>),
    /// Unchanged since the blueprint was created by this commit.
    Created(Arc<CommitInfo>),
    /// Changed at or before this commit; the walk could not look further back.
    AtOrBefore(Arc<CommitInfo>, Limit),
    /// Changed in the working tree (not committed yet); `new_file`: the blueprint is untracked.
    Uncommitted { new_file: bool },
}

impl SectionState {
    /// Position on the main line (-1 = working tree). For `AtOrBefore` a lower bound.
    pub fn position(&self) -> i64 {
        match self {
            SectionState::Changed(c)
            | SectionState::Created(c)
            | SectionState::AtOrBefore(c, _) => c.position as i64,
            SectionState::Uncommitted { .. } => -1,
        }
    }
    pub fn is_exact(&self) -> bool {
        !matches!(self, SectionState::AtOrBefore(..))
    }
    pub fn commit(&self) -> Option<&Arc<CommitInfo>> {
        match self {
            SectionState::Changed(c)
            | SectionState::Created(c)
            | SectionState::AtOrBefore(c, _) => Some(c),
            SectionState::Uncommitted { .. } => None,
        }
    }
}

/// The calendar day of a time (seconds since the epoch) at a UTC offset (minutes).
fn local_day(time: i64, offset_minutes: i32) -> Day {
    (time + offset_minutes as i64 * 60).div_euclid(86_400)
}

/// "1 day", "412 days".
pub fn days_text(days: i64) -> String {
    if days == 1 {
        "1 day".to_string()
    } else {
        format!("{days} days")
    }
}

/// "412 days ago", "today", "in 3 days".
pub fn ago(today: Day, day: Day) -> String {
    let age = today - day;
    match age {
        0 => "today".to_string(),
        a if a < 0 => format!("in {}", days_text(-a)),
        a => format!("{} ago", days_text(a)),
    }
}

impl CommitInfo {
    /// "2025-10-09, a1b2c3d, Jane Doe"
    pub fn describe(&self) -> String {
        format!("{}, {}, {}", self.date(), self.short(), self.author)
    }
}

impl SectionState {
    /// The day of the change, or for `AtOrBefore` the latest it can have been; `None` for
    /// uncommitted work.
    pub fn day(&self) -> Option<Day> {
        self.commit().map(|c| c.day())
    }

    /// "last changed 412 days ago (2025-10-09, a1b2c3d, Jane Doe)" and the like, after the
    /// section's name.
    pub fn describe(&self, today: Day) -> String {
        match self {
            SectionState::Changed(c) => {
                format!("last changed {} ({})", ago(today, c.day()), c.describe())
            }
            SectionState::Created(c) => format!(
                "has not changed since the blueprint was created {} ({})",
                ago(today, c.day()),
                c.describe()
            ),
            SectionState::AtOrBefore(c, Limit::Cutoff) => format!(
                "last changed more than {} ago (at or before {})",
                days_text(today - c.day()),
                c.describe()
            ),
            SectionState::AtOrBefore(c, Limit::Truncated) => format!(
                "last changed at or before {} ({}, the oldest commit of this shallow clone)",
                c.date(),
                c.short()
            ),
            SectionState::Uncommitted { new_file: true } => {
                "is new (the blueprint is not committed yet)".to_string()
            }
            SectionState::Uncommitted { new_file: false } => "has uncommitted changes".to_string(),
        }
    }
}

/// Where a review came from.
#[derive(Debug, Clone)]
pub enum ReviewSource {
    /// A `reviewed:` stamp in the file, written by this state of the stamp.
    Stamp { written: SectionState },
    /// A `Blueprint-Reviewed:` trailer in this commit's message.
    Trailer(Arc<CommitInfo>),
}

/// A human confirmation that a section is still right.
#[derive(Debug, Clone)]
pub struct Review {
    pub day: Day,
    pub source: ReviewSource,
}

impl Review {
    /// "`reviewed:` stamp" or "Blueprint-Reviewed in a1b2c3d".
    pub fn source_text(&self) -> String {
        match &self.source {
            ReviewSource::Stamp { .. } => "`reviewed:` stamp".to_string(),
            ReviewSource::Trailer(c) => format!("Blueprint-Reviewed in {}", c.short()),
        }
    }

    /// A stamp dated after the commit that wrote it (or after today) does not count.
    pub fn is_valid(&self, today: Day) -> bool {
        if self.day > today {
            return false;
        }
        match &self.source {
            ReviewSource::Stamp { written } => match written {
                SectionState::Changed(c) | SectionState::Created(c) => self.day <= c.day(),
                _ => true,
            },
            ReviewSource::Trailer(_) => true,
        }
    }

    /// Position on the main line of the review (for drift).
    pub fn position(&self) -> i64 {
        match &self.source {
            ReviewSource::Stamp { written } => written.position(),
            ReviewSource::Trailer(c) => c.position as i64,
        }
    }
}

/// The history of one blueprint file.
#[derive(Debug, Clone, Default)]
pub struct FileHistory {
    /// Path relative to the repository root, `/`-separated.
    pub repo_path: String,
    /// Every top-level key of the working-tree file (plus `reviewed.<section>` entries when
    /// `reviewed` is a map) -> its last change.
    pub sections: BTreeMap<String, SectionState>,
    /// Trailer reviews per section (`*` = the whole blueprint), newest first wins.
    pub trailer_reviews: HashMap<String, Arc<CommitInfo>>,
    /// The working-tree `reviewed:` value: a date for everything or per section.
    pub stamps: Stamps,
}

/// `reviewed:` as written in the working tree.
#[derive(Debug, Clone, Default)]
pub struct Stamps {
    pub whole: Option<String>,
    pub per_section: BTreeMap<String, String>,
}

impl FileHistory {
    /// The newest review of a section: a stamp or a trailer.
    pub fn review(&self, section: &str) -> Option<Review> {
        let mut best: Option<Review> = None;
        let mut consider = |r: Review| {
            let better = match &best {
                None => true,
                Some(b) => r.day > b.day || (r.day == b.day && r.position() < b.position()),
            };
            if better {
                best = Some(r);
            }
        };
        if let Some(text) = self.stamps.per_section.get(section) {
            if let (Some(day), Some(written)) = (
                parse_day(text),
                self.sections.get(&format!("reviewed.{section}")),
            ) {
                consider(Review {
                    day,
                    source: ReviewSource::Stamp {
                        written: written.clone(),
                    },
                });
            }
        }
        if let Some(text) = &self.stamps.whole {
            if let (Some(day), Some(written)) = (parse_day(text), self.sections.get("reviewed")) {
                consider(Review {
                    day,
                    source: ReviewSource::Stamp {
                        written: written.clone(),
                    },
                });
            }
        }
        for key in [section, "*"] {
            if let Some(c) = self.trailer_reviews.get(key) {
                consider(Review {
                    day: c.day(),
                    source: ReviewSource::Trailer(c.clone()),
                });
            }
        }
        best
    }
}

/// The result of the walk.
#[derive(Debug, Default)]
pub struct History {
    /// The repository's work tree (canonical).
    pub workdir: PathBuf,
    pub head: Option<Arc<CommitInfo>>,
    /// Set when the clone is shallow and the walk reached its oldest commit with sections
    /// still unresolved.
    pub truncated_at: Option<Arc<CommitInfo>>,
    /// The repository is a shallow clone.
    pub shallow: bool,
    /// First-parent commits looked at.
    pub commits_walked: usize,
    /// Keyed by canonical path.
    pub files: HashMap<PathBuf, FileHistory>,
    /// Ignore-revs entries that name no commit of this repository.
    pub unknown_ignore_revs: Vec<String>,
}

impl History {
    pub fn file(&self, path: &Path) -> Option<&FileHistory> {
        let canonical = crate::fsutil::canonical(path).ok()?;
        self.files.get(&canonical)
    }
}

/// What to walk for.
pub struct WalkOptions<'a> {
    /// The blueprint files to date.
    pub files: &'a [PathBuf],
    /// Commits whose changes do not count (full or abbreviated ids), besides
    /// `.git-blame-ignore-revs`.
    pub ignore_revs: &'a [String],
    /// Stop at the first first-parent commit whose committer date is before this day:
    /// everything unresolved then is "at or before" it.
    pub stop_before_day: Option<Day>,
    /// Use and update the snapshots of earlier walks (see `cache`).
    pub cache: bool,
    /// The first-parent commits as another thread reads them ahead of the walk (PR mode).
    pub ahead: Option<&'a Ahead>,
}

// ---------------------------------------------------------------------------------------------
// Reading ahead. A walk back to the cutoff spends about a third of its time reading the
// commits themselves (the rest is trees). Which commits those are does not depend on the
// files traced: PR mode reads them on a thread of its own, from the start of the run, while
// git lists the changed files; the walk then takes them in order.

/// The walk's side: commits in first-parent order, starting with HEAD's parent.
pub struct Ahead {
    commits: std::sync::mpsc::Receiver<RawCommit>,
    done: Arc<std::sync::atomic::AtomicBool>,
    /// Set at the first commit that is not the one asked for (HEAD moved between the two
    /// reads, say): from then on the walk reads its commits itself.
    off_track: std::cell::Cell<bool>,
}

/// The reading thread's side.
pub struct AheadReader {
    commits: std::sync::mpsc::Sender<RawCommit>,
    done: Arc<std::sync::atomic::AtomicBool>,
}

/// A reader and the walk's end of it.
pub fn read_ahead() -> (AheadReader, Ahead) {
    let (tx, rx) = std::sync::mpsc::channel();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    (
        AheadReader {
            commits: tx,
            done: done.clone(),
        },
        Ahead {
            commits: rx,
            done,
            off_track: std::cell::Cell::new(false),
        },
    )
}

impl Ahead {
    /// Commit `id`, when it is the next one read ahead.
    fn take(&self, id: Oid) -> Option<RawCommit> {
        if self.off_track.get() {
            return None;
        }
        match self.commits.recv() {
            Ok(commit) if commit.id == id => Some(commit),
            _ => {
                self.off_track.set(true);
                self.done.store(true, std::sync::atomic::Ordering::Relaxed);
                None
            }
        }
    }
}

impl Drop for Ahead {
    /// The walk is over: the reader stops.
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

impl AheadReader {
    /// Reads the first-parent chain from HEAD's parent down to the first commit before
    /// `stop_before_day` and one more (where a walk with that cutoff ends), in a repository of
    /// its own (no lock shared with the walk's). Stops early when the walk is over, and does
    /// nothing when the history cache will answer the walk at HEAD anyway.
    pub fn run(self, start: &Path, stop_before_day: Day, cache: bool) {
        let Ok(repo) = Repo::open(start) else {
            return;
        };
        if cache && repo.has_snapshot_at_head() {
            return;
        }
        let repo = &repo.0;
        let Ok(odb) = repo.odb() else {
            return;
        };
        let head = repo.head().ok().and_then(|h| h.target());
        let mut next = head
            .and_then(|id| RawCommit::read(&odb, id))
            .and_then(|c| c.first_parent);
        let mut past_cutoff = false;
        while let Some(id) = next {
            if self.done.load(std::sync::atomic::Ordering::Relaxed) {
                return;
            }
            let Some(commit) = RawCommit::read(&odb, id) else {
                return;
            };
            next = commit.first_parent;
            let last = past_cutoff;
            past_cutoff = commit.day() < stop_before_day;
            if self.commits.send(commit).is_err() || last {
                return;
            }
        }
    }
}

/// Why there is no history.
#[derive(Debug)]
pub enum NoHistory {
    /// Not inside a git work tree.
    NotARepository,
    /// A repository with no commit yet is still a repository: sections are all uncommitted.
    Failed(String),
}

/// libgit2's allocator, as its C interface declares it (`git2/sys/alloc.h`).
#[repr(C)]
struct GitAllocator {
    malloc: unsafe extern "C" fn(usize, *const std::ffi::c_char, i32) -> *mut std::ffi::c_void,
    realloc: unsafe extern "C" fn(
        *mut std::ffi::c_void,
        usize,
        *const std::ffi::c_char,
        i32,
    ) -> *mut std::ffi::c_void,
    free: unsafe extern "C" fn(*mut std::ffi::c_void),
}

unsafe extern "C" fn git_malloc(
    size: usize,
    _file: *const std::ffi::c_char,
    _line: i32,
) -> *mut std::ffi::c_void {
    libmimalloc_sys::mi_malloc(size)
}

unsafe extern "C" fn git_realloc(
    ptr: *mut std::ffi::c_void,
    size: usize,
    _file: *const std::ffi::c_char,
    _line: i32,
) -> *mut std::ffi::c_void {
    libmimalloc_sys::mi_realloc(ptr, size)
}

unsafe extern "C" fn git_free(ptr: *mut std::ffi::c_void) {
    libmimalloc_sys::mi_free(ptr)
}

/// Every use of libgit2 starts here. libgit2 allocates through mimalloc, like the rest of the
/// tool: on the walk's thread the C allocator grew its heap one page (one `mprotect`) at a
/// time, thousands of times per run. The allocator must be set before libgit2 allocates
/// anything, hence once, before the first call into git2.
fn libgit2_ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        static ALLOCATOR: GitAllocator = GitAllocator {
            malloc: git_malloc,
            realloc: git_realloc,
            free: git_free,
        };
        // SAFETY: GIT_OPT_SET_ALLOCATOR takes a pointer to a `git_allocator`, which
        // `GitAllocator` mirrors field by field; the static lives for the whole process.
        // Set before libgit2 is initialised, it is kept by the initialisation.
        unsafe {
            libgit2_sys::git_libgit2_opts(
                libgit2_sys::GIT_OPT_SET_ALLOCATOR as std::ffi::c_int,
                &ALLOCATOR as *const GitAllocator,
            );
        }
    });
}

/// Opens the repository around `start` (a folder or a file).
fn open(start: &Path) -> Result<Repository, NoHistory> {
    libgit2_ready();
    // Reading only: skip hash verification of every object read. The walk keeps the objects it
    // needs itself (see `Walker::tree`); libgit2's object cache would only add the cost of
    // filling it and of freeing thousands of entries at the end.
    git2::opts::strict_hash_verification(false);
    git2::opts::enable_caching(false);
    let start = if start.is_file() {
        start.parent().unwrap_or(Path::new("."))
    } else {
        start
    };
    let start = if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        start
    };
    let repo = Repository::discover(start).map_err(|_| NoHistory::NotARepository)?;
    if repo.is_bare() || repo.workdir().is_none() {
        return Err(NoHistory::NotARepository);
    }
    Ok(repo)
}

/// An opened repository. PR mode opens it once for listing the changed files and for the
/// walk (opening reads the config files and maps the pack indexes again).
pub struct Repo(Repository);

impl Repo {
    /// The work tree around `start` (a folder or a file).
    pub fn open(start: &Path) -> Result<Repo, NoHistory> {
        open(start).map(Repo)
    }

    /// Whether an earlier walk left a snapshot at HEAD (under any conditions): a walk with
    /// the cache then probably ends at its first commit.
    pub fn has_snapshot_at_head(&self) -> bool {
        let head = self.0.head().ok().and_then(|h| h.target());
        head.is_some_and(|head| cache::has_snapshot_at(&self.0, head))
    }
}

/// Is `start` inside a git work tree?
pub fn in_repository(start: &Path) -> bool {
    open(start).is_ok()
}

// ---------------------------------------------------------------------------------------------
// Section hashing.

/// One parsed blob: its `id` and the hash of every section.
#[derive(Debug, Default)]
struct BlobSections {
    id: Option<String>,
    /// Sorted by key.
    sections: Vec<(String, u64)>,
}

impl BlobSections {
    fn get(&self, key: &str) -> Option<u64> {
        self.sections
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| self.sections[i].1)
    }
}

fn hash_node<H: Hasher>(node: &Node, h: &mut H) {
    match &node.value {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => {
            1u8.hash(h);
            b.hash(h);
        }
        Value::Int(i) => {
            2u8.hash(h);
            i.hash(h);
        }
        Value::Float(f) => {
            3u8.hash(h);
            // -0.0 and 0.0 are the same value.
            let f = if *f == 0.0 { 0.0 } else { *f };
            f.to_bits().hash(h);
        }
        Value::Str(s) => {
            4u8.hash(h);
            s.hash(h);
        }
        Value::Seq(items) => {
            5u8.hash(h);
            items.len().hash(h);
            for item in items {
                hash_node(item, h);
            }
        }
        Value::Map(entries) => {
            6u8.hash(h);
            let mut seen = HashSet::new();
            let mut sorted: Vec<&yaml::Entry> =
                entries.iter().filter(|e| seen.insert(&e.key)).collect();
            sorted.sort_by(|a, b| a.key.cmp(&b.key));
            sorted.len().hash(h);
            for e in sorted {
                e.key.hash(h);
                hash_node(&e.value, h);
            }
        }
    }
}

fn node_hash(node: &Node) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    hash_node(node, &mut h);
    h.finish()
}

/// Parses a blueprint text into section hashes. Of duplicate keys the first counts (as in the
/// rest of the tool). Unparseable text has no sections.
fn sections_of(text: &str) -> BlobSections {
    let Ok(doc) = yaml::parse(text.strip_prefix('\u{feff}').unwrap_or(text)) else {
        return BlobSections::default();
    };
    let Some(Node {
        value: Value::Map(entries),
        ..
    }) = doc.root
    else {
        return BlobSections::default();
    };
    let mut out: Vec<(String, u64)> = Vec::with_capacity(entries.len() + 4);
    let mut id = None;
    let mut seen = HashSet::new();
    for entry in &entries {
        if seen.insert(entry.key.as_str()) {
            entry_sections(entry, &mut out, &mut id);
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    BlobSections { id, sections: out }
}

/// The hashes one top-level entry contributes (`reviewed` maps also per section).
fn entry_sections(entry: &yaml::Entry, out: &mut Vec<(String, u64)>, id: &mut Option<String>) {
    if entry.key == "id" {
        *id = entry.value.as_str().map(str::to_string);
    }
    if entry.key == "reviewed" {
        if let Value::Map(stamps) = &entry.value.value {
            let mut seen_stamp = HashSet::new();
            for s in stamps {
                if seen_stamp.insert(s.key.as_str()) {
                    out.push((format!("reviewed.{}", s.key), node_hash(&s.value)));
                }
            }
        }
    }
    out.push((entry.key.clone(), node_hash(&entry.value)));
}

/// Splits a blueprint's text at its top-level keys (a line starting at column 0 with a plain
/// key and `:`). `None` when the text has anything at column 0 this simple split cannot vouch
/// for (flow or quoted top-level keys, several documents): then the whole text is parsed.
fn split_top_level(text: &str) -> Option<Vec<&str>> {
    let mut chunks = Vec::new();
    let mut start: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let first = line.as_bytes().first().copied().unwrap_or(b'\n');
        let is_key = (first.is_ascii_alphabetic() || first == b'_') && {
            let end = line
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
                .unwrap_or(line.len());
            let rest = line[end..].trim_start_matches([' ', '\t']);
            rest.starts_with(':')
                && rest[1..]
                    .chars()
                    .next()
                    .is_none_or(|c| c == ' ' || c == '\t' || c == '\n' || c == '\r')
        };
        if is_key {
            if let Some(s) = start {
                chunks.push(&text[s..offset]);
            }
            start = Some(offset);
        } else if !matches!(first, b' ' | b'\t' | b'\n' | b'\r' | b'#') {
            // Something else at column 0 (`---`, `- item`, `{`, a quoted key, ...).
            return None;
        }
        offset += line.len();
    }
    if let Some(s) = start {
        chunks.push(&text[s..]);
    }
    Some(chunks)
}

/// What one top-level chunk of text contributes, cached by the chunk's text.
struct Chunk {
    key: String,
    items: Vec<(String, u64)>,
    id: Option<String>,
}

fn text_hash(text: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

fn stamps_of(text: &str) -> Stamps {
    let mut stamps = Stamps::default();
    let Ok(doc) = yaml::parse(text.strip_prefix('\u{feff}').unwrap_or(text)) else {
        return stamps;
    };
    let Some(reviewed) = doc.root.as_ref().and_then(|r| r.get("reviewed")) else {
        return stamps;
    };
    match &reviewed.value {
        Value::Str(s) => stamps.whole = Some(s.clone()),
        Value::Map(entries) => {
            for e in entries {
                if let Some(s) = e.value.as_str() {
                    stamps
                        .per_section
                        .entry(e.key.clone())
                        .or_insert_with(|| s.to_string());
                }
            }
        }
        _ => {}
    }
    stamps
}

// ---------------------------------------------------------------------------------------------
// The walk.

struct Walker<'r> {
    repo: &'r Repository,
    /// Objects are read raw: a tree is scanned in place instead of being parsed into
    /// libgit2's entry list (an allocation and a mode parse per entry, a third of a walk).
    odb: Option<&'r git2::Odb<'r>>,
    blobs: HashMap<Oid, Arc<BlobSections>>,
    /// Section text seen before -> its hashes: a new version of a file re-parses only the
    /// sections whose text changed.
    chunks: HashMap<u64, Arc<Chunk>>,
    /// Trees read for the commit being compared and for the one before: a commit's trees are
    /// the "new" side of one comparison and the "old" side of the next, so each is read once.
    /// (libgit2's own object cache is off for the walk: filling and freeing it cost more.)
    trees: OidMap<Rc<RawTree<'r>>>,
    previous_trees: OidMap<Rc<RawTree<'r>>>,
}

/// Maps keyed by object id. An id is already a uniformly random hash: its first bytes serve as
/// the table's hash, instead of running SipHash over all twenty for every tree of every commit.
type OidMap<V> = HashMap<Oid, V, std::hash::BuildHasherDefault<OidHasher>>;

#[derive(Default)]
struct OidHasher(u64);

impl Hasher for OidHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // (`Oid` hashes its twenty bytes in one call; anything else is folded in as well.)
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(word);
        }
    }
}

/// One entry of a raw tree object: `<mode> <name>\0<20-byte id>`.
struct RawEntry {
    name: std::ops::Range<usize>,
    /// The id's bytes as stored: turned into an `Oid` only for the few entries that changed.
    id: [u8; 20],
    /// `Some(true)` folder, `Some(false)` file (or link), `None` submodule.
    folder: Option<bool>,
}

/// A tree object as stored: the bytes and where each entry is, in git's order.
struct RawTree<'o> {
    /// The object as libgit2 read it (kept, not copied).
    object: git2::OdbObject<'o>,
    /// Listed when two trees are compared entry by entry; a walk that traces a few files
    /// looks up their names instead (`find`), without listing the rest.
    entries: OnceCell<Vec<RawEntry>>,
}

impl RawEntry {
    /// The id and whether it is a folder; `None` for a submodule (the walk treats it as
    /// absent).
    fn side(&self) -> Option<Side> {
        let folder = self.folder?;
        Oid::from_bytes(&self.id).ok().map(|id| (id, folder))
    }
}

/// The entry of `data` that starts at `at`, and where the next one starts (`None` when the
/// object is damaged).
fn raw_entry(data: &[u8], at: usize) -> Option<(RawEntry, usize)> {
    let space = at + data[at..].iter().position(|&b| b == b' ')?;
    let nul = space + data[space..].iter().position(|&b| b == 0)?;
    let id: [u8; 20] = data.get(nul + 1..nul + 21)?.try_into().ok()?;
    let folder = match &data[at..space] {
        b"40000" | b"040000" => Some(true),
        b"160000" => None,
        _ => Some(false),
    };
    let entry = RawEntry {
        name: space + 1..nul,
        id,
        folder,
    };
    Some((entry, nul + 21))
}

impl<'o> RawTree<'o> {
    /// `None` when the object is damaged (the walk then treats the folder as absent, as a
    /// failed lookup did before). With `list`, the entries are listed in the same pass.
    fn parse(object: git2::OdbObject<'o>, list: bool) -> Option<RawTree<'o>> {
        let tree = RawTree {
            object,
            entries: OnceCell::new(),
        };
        // (Checked whole here, so that `entries` and `find` cannot fail later.)
        let data = tree.object.data();
        // (About 30 bytes an entry.)
        let mut entries = Vec::with_capacity(if list { data.len() / 30 + 1 } else { 0 });
        let mut at = 0;
        while at < data.len() {
            let (entry, next) = raw_entry(data, at)?;
            if list {
                entries.push(entry);
            }
            at = next;
        }
        if list {
            let _ = tree.entries.set(entries);
        }
        Some(tree)
    }

    fn entries(&self) -> &[RawEntry] {
        self.entries.get_or_init(|| {
            let data = self.object.data();
            let mut entries = Vec::with_capacity(data.len() / 30 + 1);
            let mut at = 0;
            while at < data.len() {
                let Some((entry, next)) = raw_entry(data, at) else {
                    break;
                };
                entries.push(entry);
                at = next;
            }
            entries
        })
    }

    /// The entry named `name`, as `changed_entries` sees it (`None`: absent, or a submodule).
    fn find(&self, name: &[u8]) -> Option<Side> {
        let data = self.object.data();
        let mut at = 0;
        while at < data.len() {
            let (entry, next) = raw_entry(data, at)?;
            if &data[entry.name.clone()] == name {
                return entry.side();
            }
            at = next;
        }
        None
    }

    /// Reads tree `id` (`None` when it is missing, damaged or not a tree).
    fn read(odb: &'o git2::Odb<'o>, id: Oid, list: bool) -> Option<RawTree<'o>> {
        let object = odb.read(id).ok()?;
        if object.kind() != ObjectType::Tree {
            return None;
        }
        RawTree::parse(object, list)
    }

    fn name(&self, entry: &RawEntry) -> &[u8] {
        &self.object.data()[entry.name.clone()]
    }
}

impl<'r> Walker<'r> {
    fn new(repo: &'r Repository, odb: Option<&'r git2::Odb<'r>>) -> Self {
        Walker {
            repo,
            odb,
            blobs: HashMap::new(),
            chunks: HashMap::new(),
            trees: OidMap::default(),
            previous_trees: OidMap::default(),
        }
    }

    /// Tree `id`, from the trees of this commit or the one before, else read (and listed with
    /// `list`: see `RawTree::parse`).
    fn tree(&mut self, id: Oid, list: bool) -> Option<Rc<RawTree<'r>>> {
        if let Some(tree) = self.trees.get(&id) {
            return Some(tree.clone());
        }
        let tree = match self.previous_trees.remove(&id) {
            Some(tree) => tree,
            None => Rc::new(RawTree::read(self.odb.as_ref()?, id, list)?),
        };
        self.trees.insert(id, tree.clone());
        Some(tree)
    }

    /// The walk moves to the next (older) commit: only the trees of the commit just compared
    /// against are kept.
    fn next_commit(&mut self) {
        self.previous_trees = std::mem::take(&mut self.trees);
    }

    /// Section hashes of a text, re-using the hashes of section texts seen before. Same
    /// result as `sections_of` (which it falls back to).
    fn sections(&mut self, text: &str) -> BlobSections {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let Some(chunks) = split_top_level(text) else {
            return sections_of(text);
        };
        let mut out = Vec::new();
        let mut id = None;
        let mut seen: HashSet<&str> = HashSet::new();
        let mut parsed = Vec::with_capacity(chunks.len());
        for chunk in chunks {
            let key = text_hash(chunk);
            let entry = match self.chunks.get(&key) {
                Some(c) => c.clone(),
                None => {
                    let Ok(doc) = yaml::parse(chunk) else {
                        return sections_of(text);
                    };
                    let Some(Node {
                        value: Value::Map(entries),
                        ..
                    }) = doc.root
                    else {
                        return sections_of(text);
                    };
                    if entries.len() != 1 {
                        return sections_of(text);
                    }
                    let mut items = Vec::new();
                    let mut chunk_id = None;
                    entry_sections(&entries[0], &mut items, &mut chunk_id);
                    let c = Arc::new(Chunk {
                        key: entries[0].key.clone(),
                        items,
                        id: chunk_id,
                    });
                    self.chunks.insert(key, c.clone());
                    c
                }
            };
            parsed.push(entry);
        }
        for c in &parsed {
            if seen.insert(c.key.as_str()) {
                out.extend(c.items.iter().cloned());
                if c.key == "id" {
                    id = c.id.clone();
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        BlobSections { id, sections: out }
    }

    fn blob(&mut self, oid: Oid) -> Arc<BlobSections> {
        if let Some(b) = self.blobs.get(&oid) {
            return b.clone();
        }
        let parsed = match self.repo.find_blob(oid) {
            Ok(blob) => match std::str::from_utf8(blob.content()) {
                Ok(text) => self.sections(text),
                Err(_) => BlobSections::default(),
            },
            Err(_) => BlobSections::default(),
        };
        let parsed = Arc::new(parsed);
        self.blobs.insert(oid, parsed.clone());
        parsed
    }

    /// Pruned comparison of two trees. `wanted` limits the folders entered (`None`: every
    /// changed folder). Reports blob changes of files (`old`, `new` blob ids; `None` = absent).
    fn diff(
        &mut self,
        old: Option<Oid>,
        new: Option<Oid>,
        prefix: &mut String,
        wanted: Option<&Prefixes>,
        out: &mut Vec<Change>,
    ) {
        if old == new {
            return;
        }
        let names = wanted.and_then(|w| w.few_names_in(prefix));
        let old_tree = old.and_then(|id| self.tree(id, names.is_none()));
        let new_tree = new.and_then(|id| self.tree(id, names.is_none()));
        let entries = match names {
            // A few traced files (PR mode): their names are looked up, the rest not listed.
            Some(names) => named_changes(&names, old_tree.as_deref(), new_tree.as_deref()),
            None => changed_entries(old_tree.as_deref(), new_tree.as_deref()),
        };
        self.descend(&entries, prefix, wanted, out);
    }

    /// The second half of `diff`: enters the changed folders among `entries` (of the folder
    /// `prefix`) and reports the changed files.
    fn descend(
        &mut self,
        entries: &[EntryChange<'_>],
        prefix: &mut String,
        wanted: Option<&Prefixes>,
        out: &mut Vec<Change>,
    ) {
        for &(name, o, n) in entries {
            let Ok(name) = std::str::from_utf8(name) else {
                continue;
            };
            let len = prefix.len();
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(name);
            let old_tree = o.filter(|x| x.1).map(|x| x.0);
            let new_tree = n.filter(|x| x.1).map(|x| x.0);
            let old_blob = o.filter(|x| !x.1).map(|x| x.0);
            let new_blob = n.filter(|x| !x.1).map(|x| x.0);
            if (old_tree.is_some() || new_tree.is_some())
                && wanted.is_none_or(|w| w.dirs.contains_key(prefix.as_str()))
            {
                self.diff(old_tree, new_tree, prefix, wanted, out);
            }
            if old_blob != new_blob {
                let relevant = match wanted {
                    Some(w) => w.files.contains_key(prefix.as_str()),
                    None => is_yaml(name),
                };
                if relevant {
                    out.push(Change {
                        path: prefix.clone(),
                        old: old_blob,
                        new: new_blob,
                    });
                }
            }
            prefix.truncate(len);
        }
    }
}

/// An entry that differs between two trees: (name, old side, new side; `None` = absent).
type EntryChange<'t> = (&'t [u8], Option<Side>, Option<Side>);

/// The entries that differ between two trees (either may be absent), in git's order.
fn changed_entries<'t>(
    old_tree: Option<&'t RawTree<'_>>,
    new_tree: Option<&'t RawTree<'_>>,
) -> Vec<EntryChange<'t>> {
    let no_entries: &[RawEntry] = &[];
    let (a_entries, b_entries) = (
        old_tree.map_or(no_entries, |t| t.entries()),
        new_tree.map_or(no_entries, |t| t.entries()),
    );
    let side = RawEntry::side;
    // Both trees are sorted in git's order: a merge join finds the differing entries.
    let mut names: Vec<EntryChange<'t>> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a_entries.len() || j < b_entries.len() {
        let order = match (a_entries.get(i), b_entries.get(j)) {
            (Some(a), Some(b)) => {
                let (ta, tb) = (old_tree.expect("old tree"), new_tree.expect("new tree"));
                git_order(
                    (ta.name(a), a.folder == Some(true)),
                    (tb.name(b), b.folder == Some(true)),
                )
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => break,
        };
        match order {
            std::cmp::Ordering::Less => {
                let a = &a_entries[i];
                names.push((old_tree.expect("old tree").name(a), side(a), None));
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                let b = &b_entries[j];
                names.push((new_tree.expect("new tree").name(b), None, side(b)));
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                let (a, b) = (&a_entries[i], &b_entries[j]);
                if a.id != b.id || a.folder != b.folder {
                    names.push((new_tree.expect("new tree").name(b), side(a), side(b)));
                }
                i += 1;
                j += 1;
            }
        }
    }
    names
}

/// `changed_entries`, limited to `names`: the same entries, in the same order, found by name.
/// (A name that is a file on one side and a folder on the other is two entries there.)
fn named_changes<'n>(
    names: &[&'n str],
    old_tree: Option<&RawTree<'_>>,
    new_tree: Option<&RawTree<'_>>,
) -> Vec<EntryChange<'n>> {
    let mut out: Vec<EntryChange<'n>> = Vec::new();
    for name in names {
        let name = name.as_bytes();
        let o = old_tree.and_then(|t| t.find(name));
        let n = new_tree.and_then(|t| t.find(name));
        match (o, n) {
            _ if o == n => {}
            (Some(a), Some(b)) if a.1 != b.1 => {
                out.push((name, Some(a), None));
                out.push((name, None, Some(b)));
            }
            _ => out.push((name, o, n)),
        }
    }
    let folder = |e: &EntryChange| e.2.or(e.1).is_some_and(|side| side.1);
    out.sort_by(|a, b| git_order((a.0, folder(a)), (b.0, folder(b))));
    out
}

/// Git's tree order: names compared bytewise, a folder as if it ended in `/`. Each side is
/// (name, is a folder).
fn git_order(a: (&[u8], bool), b: (&[u8], bool)) -> std::cmp::Ordering {
    let ((na, fa), (nb, fb)) = (a, b);
    let common = na.len().min(nb.len());
    match na[..common].cmp(&nb[..common]) {
        std::cmp::Ordering::Equal => {}
        other => return other,
    }
    let tail = |name: &[u8], folder: bool| -> u8 {
        if name.len() > common {
            name[common]
        } else if folder {
            b'/'
        } else {
            0
        }
    };
    tail(na, fa).cmp(&tail(nb, fb))
}

fn is_yaml(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// A tree entry's object id and whether it is a folder.
type Side = (Oid, bool);

struct Change {
    path: String,
    old: Option<Oid>,
    new: Option<Oid>,
}

/// The traced paths (with the indices of the traced files there) and the folders on the way
/// to them (with how many traced files are below), kept up to date as files move or resolve.
#[derive(Default)]
struct Prefixes {
    files: HashMap<String, Vec<usize>>,
    dirs: HashMap<String, usize>,
}

impl Prefixes {
    fn of(traced: &[Traced]) -> Prefixes {
        let mut p = Prefixes::default();
        for (index, t) in traced.iter().enumerate().filter(|(_, t)| t.alive) {
            p.insert(index, &t.path);
        }
        p
    }

    /// The names in folder `prefix` (`""`: the root) on the way to a traced file, when few
    /// files are traced (`None` otherwise: then comparing whole trees costs less).
    fn few_names_in(&self, prefix: &str) -> Option<Vec<&str>> {
        const FEW: usize = 16;
        if self.files.len() > FEW {
            return None;
        }
        let mut names: Vec<&str> = Vec::new();
        for path in self.files.keys().chain(self.dirs.keys()) {
            let (parent, name) = path.rsplit_once('/').unwrap_or(("", path));
            if parent == prefix && !names.contains(&name) {
                names.push(name);
            }
        }
        Some(names)
    }

    fn folders(path: &str) -> impl Iterator<Item = &str> {
        path.match_indices('/').map(move |(i, _)| &path[..i])
    }

    fn insert(&mut self, index: usize, path: &str) {
        self.files.entry(path.to_string()).or_default().push(index);
        for dir in Self::folders(path) {
            *self.dirs.entry(dir.to_string()).or_default() += 1;
        }
    }

    fn remove(&mut self, index: usize, path: &str) {
        if let Some(list) = self.files.get_mut(path) {
            list.retain(|&i| i != index);
            if list.is_empty() {
                self.files.remove(path);
            }
        }
        for dir in Self::folders(path) {
            if let Some(n) = self.dirs.get_mut(dir) {
                *n -= 1;
                if *n == 0 {
                    self.dirs.remove(dir);
                }
            }
        }
    }
}

/// One traced blueprint during the walk: its state in the commit being looked at.
struct Traced {
    file: PathBuf,
    path: String,
    blob: Oid,
    sections: Arc<BlobSections>,
    /// Section keys not yet resolved.
    pending: HashSet<String>,
    alive: bool,
    /// Path, blob and pending sections at HEAD, where the walk started (for the cache).
    head_path: String,
    head_blob: Oid,
    walked: Vec<String>,
}

/// What the walk reads of each first-parent commit, parsed from the raw object. Building a
/// `git2::Commit` for each of thousands of commits (signatures, message copies, cache entries)
/// was a fifth of a `--changed-since` run; the full commit is looked up only for the few
/// commits a finding names (`info`).
struct RawCommit {
    id: Oid,
    tree: Oid,
    first_parent: Option<Oid>,
    /// Committer time (seconds since the epoch) and UTC offset in minutes.
    time: i64,
    offset_minutes: i32,
    /// The message, kept only when it may hold a `Blueprint-Reviewed:` trailer.
    review_message: Option<String>,
}

impl RawCommit {
    /// `None` when the object is missing or not a commit.
    fn read(odb: &git2::Odb<'_>, id: Oid) -> Option<RawCommit> {
        let object = odb.read(id).ok()?;
        if object.kind() != ObjectType::Commit {
            return None;
        }
        let data = object.data();
        let split = data.windows(2).position(|w| w == b"\n\n");
        let (headers, message) = match split {
            Some(at) => (&data[..at], &data[at + 2..]),
            None => (data, &data[data.len()..]),
        };
        let oid = |hex: &[u8]| {
            std::str::from_utf8(hex)
                .ok()
                .and_then(|h| Oid::from_str(h).ok())
        };
        let (mut tree, mut first_parent, mut when) = (None, None, (0, 0));
        // Continuation lines (of a signature, say) start with a space and match nothing here.
        for line in headers.split(|&b| b == b'\n') {
            if let Some(hex) = line.strip_prefix(b"tree ") {
                tree = oid(hex);
            } else if let Some(hex) = line.strip_prefix(b"parent ") {
                first_parent = first_parent.or_else(|| oid(hex));
            } else if let Some(who) = line.strip_prefix(b"committer ") {
                when = signature_time(who).unwrap_or((0, 0));
            }
        }
        let review_message = review_marker()
            .is_match(message)
            .then(|| String::from_utf8_lossy(message).into_owned());
        Some(RawCommit {
            id,
            tree: tree?,
            first_parent,
            time: when.0,
            offset_minutes: when.1,
            review_message,
        })
    }

    /// The committer's calendar date.
    fn day(&self) -> Day {
        local_day(self.time, self.offset_minutes)
    }

    /// The commit as findings describe it (looks the full commit up).
    fn info(&self, repo: &Repository, position: usize) -> Arc<CommitInfo> {
        match repo.find_commit(self.id) {
            Ok(commit) => commit_info(&commit, position),
            Err(_) => Arc::new(CommitInfo {
                id: self.id.to_string(),
                time: self.time,
                offset_minutes: self.offset_minutes,
                author: String::new(),
                subject: String::new(),
                position,
            }),
        }
    }
}

/// `Name <email> 1700000000 +0100` -> (seconds, offset in minutes).
fn signature_time(signature: &[u8]) -> Option<(i64, i32)> {
    let after_email = signature.iter().rposition(|&b| b == b'>')? + 1;
    let text = std::str::from_utf8(&signature[after_email..]).ok()?;
    let mut parts = text.split_whitespace();
    let seconds: i64 = parts.next()?.parse().ok()?;
    let zone = parts.next().unwrap_or("+0000");
    let (sign, digits) = match zone.as_bytes().first() {
        Some(b'-') => (-1, &zone[1..]),
        Some(b'+') => (1, &zone[1..]),
        _ => (1, zone),
    };
    let hhmm: i32 = digits.parse().unwrap_or(0);
    Some((seconds, sign * (hhmm / 100 * 60 + hhmm % 100)))
}

/// Finds messages that may carry a review trailer (any case), without copying each message.
fn review_marker() -> &'static regex::bytes::Regex {
    static MARKER: std::sync::OnceLock<regex::bytes::Regex> = std::sync::OnceLock::new();
    MARKER.get_or_init(|| regex::bytes::Regex::new("(?i)blueprint-reviewed").expect("valid"))
}

fn commit_info(commit: &git2::Commit<'_>, position: usize) -> Arc<CommitInfo> {
    let time = commit.committer().when();
    Arc::new(CommitInfo {
        id: commit.id().to_string(),
        time: time.seconds(),
        offset_minutes: time.offset_minutes(),
        author: String::from_utf8_lossy(commit.author().name_bytes()).into_owned(),
        subject: commit.summary().ok().flatten().unwrap_or("").to_string(),
        position,
    })
}

/// `Blueprint-Reviewed: <id>[#section,...]` trailers of a commit message.
fn review_trailers(message: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for line in message.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if !key.trim().eq_ignore_ascii_case("blueprint-reviewed") {
            continue;
        }
        for item in value.split_whitespace() {
            let (id, sections) = match item.split_once('#') {
                Some((id, rest)) => (
                    id,
                    rest.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                ),
                None => (item, Vec::new()),
            };
            let id = id.trim_end_matches(',');
            if !id.is_empty() {
                out.push((id.to_string(), sections));
            }
        }
    }
    out
}

/// The commit ids listed in the repository's shallow file.
fn shallow_commits(repo: &Repository) -> HashSet<Oid> {
    std::fs::read_to_string(repo.path().join("shallow"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| Oid::from_str(l.trim()).ok())
        .collect()
}

/// Ignore-revs: `.git-blame-ignore-revs` at the root of the work tree plus the config's list.
/// Returns the resolved commits and the entries that name no commit.
fn ignored_commits(
    repo: &Repository,
    workdir: &Path,
    extra: &[String],
) -> (HashSet<Oid>, Vec<String>) {
    let mut names: Vec<String> = std::fs::read_to_string(workdir.join(".git-blame-ignore-revs"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    names.extend(extra.iter().cloned());
    let mut set = HashSet::new();
    let mut unknown = Vec::new();
    for name in names {
        match repo.revparse_single(&name).and_then(|o| o.peel_to_commit()) {
            Ok(c) => {
                set.insert(c.id());
            }
            Err(_) => unknown.push(name),
        }
    }
    (set, unknown)
}

/// Walks the history once for `options.files`.
pub fn walk(start: &Path, options: &WalkOptions) -> Result<History, NoHistory> {
    walk_in(&Repo::open(start)?, options)
}

/// `walk` in a repository already opened. (The caller closes it when it suits: closing
/// frees libgit2's caches, about a millisecond that PR mode spends after handing the walk on.)
pub fn walk_in(repo: &Repo, options: &WalkOptions) -> Result<History, NoHistory> {
    let repo = &repo.0;
    let workdir = repo
        .workdir()
        .and_then(|w| std::fs::canonicalize(w).ok())
        .ok_or(NoHistory::NotARepository)?;
    let shallow = shallow_commits(repo);
    let (ignored, unknown_ignore_revs) = ignored_commits(repo, &workdir, options.ignore_revs);
    let mut history = History {
        workdir: workdir.clone(),
        shallow: !shallow.is_empty(),
        unknown_ignore_revs,
        ..History::default()
    };
    let odb = repo
        .odb()
        .map_err(|e| NoHistory::Failed(e.message().to_string()))?;
    let head = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let head_tree = head.as_ref().and_then(|c| c.tree().ok());
    let mut walker = Walker::new(repo, Some(&odb));

    // The working tree against HEAD.
    let mut traced: Vec<Traced> = Vec::new();
    let mut missing_in_workdir: Option<Vec<(String, Oid)>> = None;
    for file in options.files {
        let Ok(canonical) = crate::fsutil::canonical(file) else {
            continue;
        };
        let Ok(rel) = canonical.strip_prefix(&workdir) else {
            continue;
        };
        let repo_path = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let text = std::fs::read(&canonical)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        // Usually the same text as the HEAD blob: the walker's section cache then parses it
        // once for both.
        let current = walker.sections(&text);
        let mut fh = FileHistory {
            repo_path: repo_path.clone(),
            stamps: stamps_of(&text),
            ..FileHistory::default()
        };
        // Where the file is in HEAD: its own path, or (an uncommitted rename) the HEAD file of
        // the same id or the same content that is gone from the work tree.
        let mut in_head: Option<(String, Oid)> = head_tree
            .as_ref()
            .and_then(|t| t.get_path(Path::new(&repo_path)).ok())
            .filter(|e| e.kind() == Some(ObjectType::Blob))
            .map(|e| (repo_path.clone(), e.id()));
        if in_head.is_none() {
            if let Some(tree) = &head_tree {
                let gone = missing_in_workdir.get_or_insert_with(|| {
                    let mut out = Vec::new();
                    let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
                        if entry.kind() == Some(ObjectType::Blob) {
                            if let Ok(name) = entry.name() {
                                let path = format!("{dir}{name}");
                                if is_yaml(name) && !workdir.join(&path).exists() {
                                    out.push((path, entry.id()));
                                }
                            }
                        }
                        git2::TreeWalkResult::Ok
                    });
                    out
                });
                let gone = gone.clone();
                let own_blob = Oid::hash_object(ObjectType::Blob, text.as_bytes()).ok();
                in_head = gone
                    .iter()
                    .find(|(_, oid)| current.id.is_some() && walker.blob(*oid).id == current.id)
                    .or_else(|| gone.iter().find(|(_, oid)| Some(*oid) == own_blob))
                    .cloned();
            }
        }
        let mut pending = HashSet::new();
        match &in_head {
            None => {
                for (key, _) in &current.sections {
                    fh.sections
                        .insert(key.clone(), SectionState::Uncommitted { new_file: true });
                }
            }
            Some((_, oid)) => {
                let committed = walker.blob(*oid);
                for (key, hash) in &current.sections {
                    if committed.get(key) == Some(*hash) {
                        pending.insert(key.clone());
                    } else {
                        fh.sections
                            .insert(key.clone(), SectionState::Uncommitted { new_file: false });
                    }
                }
            }
        }
        if let Some((path, oid)) = in_head {
            let mut walked: Vec<String> = pending.iter().cloned().collect();
            walked.sort();
            traced.push(Traced {
                file: canonical.clone(),
                head_path: path.clone(),
                path,
                blob: oid,
                sections: walker.blob(oid),
                alive: !pending.is_empty(),
                pending,
                head_blob: oid,
                walked,
            });
        }
        history.files.insert(canonical, fh);
    }

    let Some(mut commit) = head.and_then(|h| RawCommit::read(&odb, h.id())) else {
        return Ok(history);
    };
    let mut position = 0usize;
    // Set once a commit older than the cutoff has been looked at: everything still unresolved
    // then changed at or before the next (older) commit, and is stale anyway.
    let mut past_cutoff = false;
    // Rebuilt only when a traced file moves or is resolved.
    let mut wanted = Prefixes::of(&traced);
    let snapshots = options
        .cache
        .then(|| cache::Snapshots::open(repo, options.stop_before_day, &ignored, &shallow));
    let head_id = commit.id;
    // Files whose answer came from a snapshot of the walk's own start (nothing new to store).
    let mut answered_at_head = 0;
    loop {
        if wanted.files.is_empty() {
            break;
        }
        // Who and what the commit is (author, subject) is looked up only when something is
        // attributed to it: most commits of a long walk resolve nothing.
        let info_cell: OnceCell<Arc<CommitInfo>> = OnceCell::new();
        let info = || {
            info_cell
                .get_or_init(|| commit.info(repo, position))
                .clone()
        };
        if position == 0 {
            history.head = Some(info());
        }
        history.commits_walked += 1;

        // An earlier walk started here: take its answers for the files it traced.
        if let Some(snapshot) = snapshots.as_ref().and_then(|s| s.load(commit.id, position)) {
            for (ti, t) in traced.iter_mut().enumerate().filter(|(_, t)| t.alive) {
                let Some(found) = snapshot.resolve(&t.path, t.blob, &t.pending) else {
                    continue;
                };
                let fh = history.files.get_mut(&t.file).expect("file entry");
                fh.sections.extend(found.sections);
                for (key, review) in found.trailers {
                    fh.trailer_reviews.entry(key).or_insert(review);
                }
                if found.truncated_at.is_some() && history.truncated_at.is_none() {
                    history.truncated_at = found.truncated_at;
                }
                t.pending.clear();
                t.alive = false;
                wanted.remove(ti, &t.path);
                if position == 0 {
                    answered_at_head += 1;
                }
            }
            if wanted.files.is_empty() {
                break;
            }
        }

        // Review trailers (only for sections still unresolved: an older review cannot matter).
        if let Some(message) = &commit.review_message {
            {
                for (id, sections) in review_trailers(message) {
                    for t in traced.iter().filter(|t| t.alive) {
                        if t.sections.id.as_deref() != Some(id.as_str()) {
                            continue;
                        }
                        let fh = history.files.get_mut(&t.file).expect("file entry");
                        let keys: Vec<String> = if sections.is_empty() {
                            vec!["*".to_string()]
                        } else {
                            sections.clone()
                        };
                        for key in keys {
                            fh.trailer_reviews.entry(key).or_insert_with(info);
                        }
                    }
                }
            }
        }

        let resolve_all =
            |traced: &mut Vec<Traced>, history: &mut History, state: &dyn Fn() -> SectionState| {
                for t in traced.iter_mut().filter(|t| t.alive) {
                    let fh = history.files.get_mut(&t.file).expect("file entry");
                    for key in t.pending.drain() {
                        fh.sections.insert(key, state());
                    }
                    t.alive = false;
                }
            };

        if past_cutoff {
            resolve_all(&mut traced, &mut history, &|| {
                SectionState::AtOrBefore(info(), Limit::Cutoff)
            });
            break;
        }
        if shallow.contains(&commit.id) {
            history.truncated_at = Some(info());
            resolve_all(&mut traced, &mut history, &|| {
                SectionState::AtOrBefore(info(), Limit::Truncated)
            });
            break;
        }
        let parent = commit.first_parent.and_then(|id| {
            options
                .ahead
                .and_then(|ahead| ahead.take(id))
                .or_else(|| RawCommit::read(&odb, id))
        });
        let Some(parent) = parent else {
            // The root commit created everything still unresolved.
            resolve_all(&mut traced, &mut history, &|| SectionState::Created(info()));
            break;
        };
        let counts = !ignored.contains(&commit.id);

        let mut changes = Vec::new();
        walker.diff(
            Some(parent.tree),
            Some(commit.tree),
            &mut String::new(),
            Some(&wanted),
            &mut changes,
        );
        let mut all_changes: Option<Vec<Change>> = None;
        let mut claimed: HashSet<String> = HashSet::new();
        // (traced file, old path, new path or `None` when it is resolved)
        let mut updates: Vec<(usize, String, Option<String>)> = Vec::new();
        let hits: Vec<(usize, usize)> = changes
            .iter()
            .enumerate()
            .filter_map(|(ci, c)| wanted.files.get(&c.path).map(|tis| (ci, tis)))
            .flat_map(|(ci, tis)| tis.iter().map(move |ti| (ci, *ti)))
            .collect();
        for (ci, ti) in hits {
            let change = &changes[ci];
            if !traced[ti].alive {
                continue;
            }
            // Where the file was in the parent commit.
            let before: Option<(String, Oid)> = match change.old {
                Some(old) => Some((change.path.clone(), old)),
                None => {
                    let all = all_changes.get_or_insert_with(|| {
                        let mut out = Vec::new();
                        walker.diff(
                            Some(parent.tree),
                            Some(commit.tree),
                            &mut String::new(),
                            None,
                            &mut out,
                        );
                        out
                    });
                    // Gone in this commit (old side only) and not claimed yet.
                    let gone: Vec<(String, Oid)> = all
                        .iter()
                        .filter(|c| c.new.is_none() && !claimed.contains(&c.path))
                        .filter_map(|c| c.old.map(|o| (c.path.clone(), o)))
                        .collect();
                    let id = traced[ti].sections.id.clone();
                    let blob = traced[ti].blob;
                    gone.iter()
                        .find(|(_, o)| id.is_some() && walker.blob(*o).id == id)
                        .or_else(|| gone.iter().find(|(_, o)| *o == blob))
                        .cloned()
                }
            };
            let t = &mut traced[ti];
            let fh = history.files.get_mut(&t.file).expect("file entry");
            match before {
                None => {
                    for key in t.pending.drain() {
                        fh.sections.insert(key, SectionState::Created(info()));
                    }
                    t.alive = false;
                    updates.push((ti, t.path.clone(), None));
                }
                Some((path, oid)) => {
                    claimed.insert(path.clone());
                    let old = walker.blob(oid);
                    if counts {
                        let changed: Vec<String> = t
                            .pending
                            .iter()
                            .filter(|k| old.get(k) != t.sections.get(k))
                            .cloned()
                            .collect();
                        for key in changed {
                            t.pending.remove(&key);
                            fh.sections.insert(key, SectionState::Changed(info()));
                        }
                    }
                    let from = std::mem::replace(&mut t.path, path);
                    t.blob = oid;
                    t.sections = old;
                    if t.pending.is_empty() {
                        t.alive = false;
                        updates.push((ti, from, None));
                    } else if from != t.path {
                        updates.push((ti, from, Some(t.path.clone())));
                    }
                }
            }
        }
        for (ti, from, to) in updates {
            wanted.remove(ti, &from);
            if let Some(to) = to {
                wanted.insert(ti, &to);
            }
        }
        past_cutoff = options.stop_before_day.is_some_and(|d| commit.day() < d);
        walker.next_commit();
        commit = parent;
        position += 1;
    }
    let walked_now = traced.iter().filter(|t| !t.walked.is_empty()).count() - answered_at_head;
    if let Some(snapshots) = snapshots.filter(|_| walked_now > 0) {
        let found: Vec<cache::Found> = traced
            .iter()
            .filter(|t| !t.walked.is_empty())
            .map(|t| cache::Found {
                path: &t.head_path,
                blob: t.head_blob,
                walked: &t.walked,
                history: &history.files[&t.file],
            })
            .collect();
        snapshots.save(head_id, &found);
    }
    Ok(history)
}

/// PR mode: the blueprint files (canonical paths) that differ between merge-base(`rev`, HEAD)
/// and the working tree, untracked files included.
pub fn changed_since(start: &Path, rev: &str) -> Result<HashSet<PathBuf>, String> {
    let repo = Repo::open(start).map_err(|_| {
        format!(
            "--changed-since needs a git repository, and `{}` is not inside one",
            start.display()
        )
    })?;
    changed_since_in(&repo, rev)
}

/// `changed_since` in a repository already opened.
pub fn changed_since_in(repo: &Repo, rev: &str) -> Result<HashSet<PathBuf>, String> {
    let repo = &repo.0;
    let workdir = repo
        .workdir()
        .and_then(|w| std::fs::canonicalize(w).ok())
        .ok_or("the repository has no work tree")?;
    let other = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|_| format!("--changed-since: `{rev}` names no commit in this repository"))?;
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| format!("--changed-since: the repository has no HEAD commit ({e})"))?;
    let base = repo
        .merge_base(other.id(), head.id())
        .map_err(|_| format!("--changed-since: `{rev}` and HEAD have no common ancestor"))?;
    let base_tree = repo
        .find_commit(base)
        .and_then(|c| c.tree())
        .map_err(|e| e.to_string())?;
    let mut opts = git2::DiffOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .ignore_submodules(true);
    let diff = repo
        .diff_tree_to_workdir_with_index(Some(&base_tree), Some(&mut opts))
        .map_err(|e| e.to_string())?;
    let mut out = HashSet::new();
    for delta in diff.deltas() {
        if let Some(path) = delta.new_file().path() {
            let full = workdir.join(path);
            if full.is_file() {
                out.insert(crate::fsutil::canonical_or_same(&full));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository with one blueprint changed on days 100, 200 and 300 (since 1970), and the
    /// path of that blueprint.
    fn dated_repository() -> (tempfile::TempDir, PathBuf) {
        libgit2_ready();
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let file = dir.path().join("a.blueprint.yaml");
        let versions = [
            (100, "id: a\nsummary: one\nkpis: [x]\n"),
            (200, "id: a\nsummary: one\nkpis: [y]\n"),
            (300, "id: a\nsummary: two\nkpis: [y]\n"),
        ];
        let mut parent: Option<Oid> = None;
        for (day, text) in versions {
            std::fs::write(&file, text).unwrap();
            let mut index = repo.index().unwrap();
            index.add_path(Path::new("a.blueprint.yaml")).unwrap();
            index.write().unwrap();
            let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
            let when = git2::Time::new(day * 86_400 + 43_200, 0);
            let who = git2::Signature::new("Jane Doe", "jane@example.com", &when).unwrap();
            let parents: Vec<git2::Commit> = parent
                .iter()
                .map(|p| repo.find_commit(*p).unwrap())
                .collect();
            let parents: Vec<&git2::Commit> = parents.iter().collect();
            let id = repo
                .commit(Some("HEAD"), &who, &who, "edit", &tree, &parents)
                .unwrap();
            parent = Some(id);
        }
        (dir, file)
    }

    /// Every section's state, in a stable order.
    fn dates(history: &History) -> Vec<String> {
        let mut out: Vec<String> = history
            .files
            .values()
            .flat_map(|f| f.sections.iter().map(|(k, s)| format!("{k}: {s:?}")))
            .collect();
        out.sort();
        out
    }

    fn walk_with(file: &Path, stop_before_day: Day, ahead: Option<&Ahead>) -> History {
        let repo = Repo::open(file).unwrap();
        let files = [file.to_path_buf()];
        let options = WalkOptions {
            files: &files,
            ignore_revs: &[],
            stop_before_day: Some(stop_before_day),
            cache: false,
            ahead,
        };
        walk_in(&repo, &options).unwrap()
    }

    #[test]
    fn commits_read_ahead_date_sections_as_a_walk_alone() {
        let (_dir, file) = dated_repository();
        for cutoff in [50, 150, 250, 350] {
            let alone = walk_with(&file, cutoff, None);
            let (reader, ahead) = read_ahead();
            reader.run(&file, cutoff, false);
            let with_ahead = walk_with(&file, cutoff, Some(&ahead));
            assert_eq!(dates(&alone), dates(&with_ahead), "cutoff day {cutoff}");
            assert_eq!(alone.commits_walked, with_ahead.commits_walked);
            assert!(
                !ahead.off_track.get(),
                "the walk took every commit read ahead"
            );
        }
        assert!(
            dates(&walk_with(&file, 150, None))
                .iter()
                .any(|d| d.starts_with("kpis: Changed")),
            "{:?}",
            dates(&walk_with(&file, 150, None))
        );
    }

    #[test]
    fn a_walk_reads_its_own_commits_once_the_reader_is_off_track() {
        let (_dir, file) = dated_repository();
        let alone = walk_with(&file, 50, None);
        let (reader, ahead) = read_ahead();
        // Not the commit the walk asks for (as if HEAD had moved between the two reads).
        let stray = RawCommit {
            id: Oid::ZERO_SHA1,
            tree: Oid::ZERO_SHA1,
            first_parent: None,
            time: 0,
            offset_minutes: 0,
            review_message: None,
        };
        reader.commits.send(stray).unwrap();
        drop(reader);
        let with_ahead = walk_with(&file, 50, Some(&ahead));
        assert!(ahead.off_track.get());
        assert_eq!(dates(&alone), dates(&with_ahead));
    }

    #[test]
    fn the_reader_stops_once_the_walk_is_over() {
        let (_dir, file) = dated_repository();
        let (reader, ahead) = read_ahead();
        drop(ahead);
        // Returns at once (nothing is read, nothing is waited for).
        reader.run(&file, 0, false);
    }

    #[test]
    fn civil_round_trip() {
        for day in [-1000, 0, 1, 19_000, 20_000, 30_000] {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(parse_day("1970-01-02"), Some(1));
        assert_eq!(
            parse_day("2024-02-29").map(format_day).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(parse_day("2025-02-29"), None);
        assert_eq!(parse_day("2025-13-01"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("365d"), Some(365));
        assert_eq!(parse_duration("26w"), Some(182));
        assert_eq!(parse_duration("1y"), Some(365));
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("0d"), None);
        assert_eq!(parse_duration("soon"), None);
    }

    #[test]
    fn formatting_does_not_change_hashes() {
        let a =
            sections_of("id: x\nkpis:\n  - id: a\n    name: \"A\"\n# note\nsummary: {text: hi}\n");
        let b = sections_of("summary:\n  text: 'hi'\nid: x\nkpis: [{name: A, id: a}]\n");
        assert_eq!(a.sections, b.sections);
        let c = sections_of("id: x\nkpis: []\nsummary: {text: hi}\n");
        assert_ne!(a.get("kpis"), c.get("kpis"));
        assert_eq!(a.get("summary"), c.get("summary"));
    }

    #[test]
    fn split_sections_equal_a_full_parse() {
        let w = |text: &str| {
            libgit2_ready();
            let repo = Repository::init(tempfile::tempdir().unwrap().path()).unwrap();
            let odb = repo.odb().ok();
            let mut walker = Walker::new(&repo, odb.as_ref());
            let a = walker.sections(text);
            let b = sections_of(text);
            assert_eq!(a.sections, b.sections, "{text}");
            assert_eq!(a.id, b.id);
        };
        w("# c\nid: x\nkpis:\n  - a\n# mid\nsummary: {text: hi}\nreviewed:\n  kpis: 2025-01-01\n");
        w("id: x\nid: y\nlevel: mid\n");
        w("---\nid: x\n");
        w("a: &x [1]\nb: *x\n");
        w("a: [1,\n2]\nb: 3\n");
        w("\"id\": x\n");
        w("a:b: 1\nc: 2\n");
    }

    #[test]
    fn trailers() {
        let t = review_trailers(
            "Fix\n\nBlueprint-Reviewed: data-engineer#kpis,hiring\nblueprint-reviewed: x\n",
        );
        assert_eq!(
            t,
            vec![
                (
                    "data-engineer".to_string(),
                    vec!["kpis".to_string(), "hiring".to_string()]
                ),
                ("x".to_string(), vec![])
            ]
        );
    }

    /// Looking a few names up finds what comparing the whole trees finds for them: a file
    /// turned into a folder, names that sort around a folder (`a.b`, `a/`, `a0`), a submodule,
    /// entries added and removed.
    #[test]
    fn named_changes_agree_with_whole_tree_comparison() {
        libgit2_ready();
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let blob = |text: &str| repo.blob(text.as_bytes()).unwrap();
        let sub = {
            let mut b = repo.treebuilder(None).unwrap();
            b.insert("f.yaml", blob("x"), 0o100644).unwrap();
            b.write().unwrap()
        };
        let tree = |entries: &[(&str, Oid, i32)]| {
            let mut b = repo.treebuilder(None).unwrap();
            for (name, id, mode) in entries {
                b.insert(name, *id, *mode).unwrap();
            }
            b.write().unwrap()
        };
        let (one, two) = (blob("1"), blob("2"));
        let commit_id = Oid::from_str("0123456789abcdef0123456789abcdef01234567").unwrap();
        let old = tree(&[
            ("a", one, 0o100644),
            ("a.b", one, 0o100644),
            ("a0", sub, 0o040000),
            ("gone", one, 0o100644),
            ("m", commit_id, 0o160000),
            ("same", one, 0o100644),
        ]);
        let new = tree(&[
            ("a", sub, 0o040000),
            ("a.b", two, 0o100644),
            ("a0", one, 0o100644),
            ("added", sub, 0o040000),
            ("m", one, 0o100644),
            ("same", one, 0o100644),
        ]);
        let odb = repo.odb().unwrap();
        let (old, new) = (
            RawTree::read(&odb, old, false).unwrap(),
            RawTree::read(&odb, new, false).unwrap(),
        );
        let whole = changed_entries(Some(&old), Some(&new));
        let names = ["same", "m", "added", "gone", "a0", "a.b", "a", "absent"];
        let named = named_changes(&names, Some(&old), Some(&new));
        let show = |e: &[EntryChange]| -> Vec<String> {
            e.iter()
                .map(|(n, o, w)| format!("{} {o:?} {w:?}", String::from_utf8_lossy(n)))
                .collect()
        };
        assert_eq!(show(&named), show(&whole));
        // (`a` and `a0` count twice: a file and a folder, which sort apart.)
        assert_eq!(whole.len(), 8, "{:?}", show(&whole));
        // One side absent: everything there is added (or removed).
        assert_eq!(
            show(&named_changes(&names, None, Some(&new))),
            show(&changed_entries(None, Some(&new)))
        );
    }
}
