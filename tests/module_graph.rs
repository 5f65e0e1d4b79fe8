//! The engine's top-level modules import each other without a cycle, so each can be read (and
//! changed) knowing only what is below it. Reads the engine's `src/` files, collects every
//! `crate::<module>` a top-level module refers to, and fails naming the cycle when there is one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module → the modules it refers to, each with the files that do.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

#[test]
fn the_engines_modules_import_each_other_without_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = engine_graph(&src);
    // A graph this small means the reader found nothing: the test would pass whatever the code.
    assert!(
        graph.values().map(BTreeMap::len).sum::<usize>() >= 20,
        "too few imports found in {}: {graph:?}",
        src.display()
    );
    if let Some(cycle) = find_cycle(&graph) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|pair| {
                let files = &graph[&pair[0]][&pair[1]];
                let files: Vec<&str> = files.iter().map(String::as_str).collect();
                format!("{} -> {} ({})", pair[0], pair[1], files.join(", "))
            })
            .collect();
        panic!(
            "import cycle among the engine's modules: {}\n{}",
            cycle.join(" -> "),
            steps.join("\n")
        );
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle_and_names_it() {
    let text = "use crate::b::Thing;\nfn f() { crate::{c, d::X}::y(); }";
    let mut graph = Graph::new();
    add_references(&mut graph, "a", "a.rs", text);
    add_references(
        &mut graph,
        "b",
        "b.rs",
        "// crate::a in a comment is no import\n",
    );
    add_references(&mut graph, "c", "c.rs", "");
    add_references(&mut graph, "d", "d.rs", "");
    let found: BTreeSet<&str> = graph["a"].keys().map(String::as_str).collect();
    assert_eq!(found, BTreeSet::from(["b", "c", "d"]));
    assert_eq!(find_cycle(&graph), None);

    add_references(&mut graph, "d", "d/mod.rs", "use crate::{x::{self, Y}, b};");
    add_references(&mut graph, "b", "b.rs", "pub use crate::a::Z;");
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
}

fn engine_graph(src: &Path) -> Graph {
    let mut graph = Graph::new();
    for file in rust_files(src) {
        let relative = file.strip_prefix(src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_str().unwrap().trim_end_matches(".rs").to_string();
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let name = relative.to_string_lossy().into_owned();
        add_references(&mut graph, &module, &name, &text);
    }
    graph
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Records the modules `text` (a file of `module`) names after `crate::`, in a path or a `use`
/// group. Comments are left out: a doc link is no import. `Error`, `Result` and the like are the
/// crate root's, not a module's.
fn add_references(graph: &mut Graph, module: &str, file: &str, text: &str) {
    let code: String = text
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let targets = graph.entry(module.to_string()).or_default();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let names = if let Some(group) = rest.strip_prefix('{') {
            top_level_items(group)
        } else {
            vec![rest]
        };
        for name in names {
            let name: String = name
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.starts_with(|c: char| c.is_ascii_lowercase()) && name != module {
                targets.entry(name).or_default().insert(file.to_string());
            }
        }
    }
}

/// The items of a `{…}` group (its text after the `{`) at its own depth.
fn top_level_items(group: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
}

/// A cycle as the modules along it, the first repeated at the end; `None` when there is none.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        graph: &Graph,
        module: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|m| m == module) {
            let mut cycle = path[at..].to_vec();
            cycle.push(module.to_string());
            return Some(cycle);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_string());
        for next in graph.get(module).into_iter().flat_map(BTreeMap::keys) {
            if let Some(cycle) = visit(graph, next, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(module.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|module| visit(graph, module, &mut Vec::new(), &mut done))
}
