use super::*;

const ARN: &str =
    "arn:aws:wellarchitected:us-east-1:111122223333:workload/0123456789abcdef0123456789abcdef";
const ACCOUNT: &str = "3f2c9a10-5b7e-4c1d-9e8f-0a1b2c3d4e5f";

fn good_plan() -> String {
    format!(
        r#"# wa-sync plan
[defaults]                      # for every target
source = "vision-one"
notes_mode = "replace-block"

[[target]]
name = "payments-prod"          # the main one
account_ids = ["{ACCOUNT}", "acc-2"]
filter_tags = ["Environment::production"]
workload_arn = "{ARN}"
role_arn = "arn:aws:iam::111122223333:role/WaSyncNotesWriter"
external_id = "ext-123"
profile = "prod"
notes_mode = "overwrite"

# The staging copy.
[[target]]
name = "payments-staging"
source = "conformity"
account_ids = ["acc-3"]
workload_arn = "{ARN}"
"#
    )
}

#[test]
fn a_good_plan_parses_with_defaults_applied() {
    let plan = parse(Path::new("plan.toml"), &good_plan()).unwrap();
    assert_eq!(plan.path, Path::new("plan.toml"));
    assert_eq!(
        plan.targets,
        vec![
            Target {
                name: "payments-prod".into(),
                source: Some(SourceKind::VisionOne),
                account_ids: vec![ACCOUNT.into(), "acc-2".into()],
                filter_tags: vec!["Environment::production".into()],
                workload_arn: ARN.into(),
                role_arn: Some("arn:aws:iam::111122223333:role/WaSyncNotesWriter".into()),
                external_id: Some("ext-123".into()),
                profile: Some("prod".into()),
                notes_mode: NotesMode::Overwrite,
            },
            Target {
                name: "payments-staging".into(),
                source: Some(SourceKind::Conformity),
                account_ids: vec!["acc-3".into()],
                filter_tags: vec![],
                workload_arn: ARN.into(),
                role_arn: None,
                external_id: None,
                profile: None,
                notes_mode: NotesMode::ReplaceBlock,
            },
        ]
    );
}

#[test]
fn account_ids_can_come_from_defaults() {
    let text = format!(
        "[defaults]\naccount_ids = [\"acc-1\"]\n\n[[target]]\nname = \"a\"\nworkload_arn = \"{ARN}\"\n"
    );
    let plan = parse(Path::new("p.toml"), &text).unwrap();
    assert_eq!(plan.targets[0].account_ids, vec!["acc-1".to_string()]);
    assert_eq!(plan.targets[0].source, None);
}

/// A plan with one target whose body is `body`, the target header on line 1.
fn one_target(body: &str) -> String {
    format!("[[target]]\n{body}")
}

fn full(extra: &str) -> String {
    one_target(&format!(
        "name = \"t1\"\naccount_ids = [\"{ACCOUNT}\"]\nworkload_arn = \"{ARN}\"\n{extra}"
    ))
}

/// A problem's line, target and a phrase of its text.
type Expected = (Option<usize>, Option<&'static str>, &'static str);

#[test]
fn every_problem_has_its_line_and_target() {
    let cases: Vec<(String, Vec<Expected>)> = vec![
        (
            full("colour = \"red\"\n"),
            vec![(
                Some(5),
                Some("t1"),
                "unknown key `colour`: the keys of a target are name, source",
            )],
        ),
        (
            full("source = 3\n"),
            vec![(Some(5), Some("t1"), "`source` must be a string")],
        ),
        (
            full("filter_tags = \"env\"\n"),
            vec![(
                Some(5),
                Some("t1"),
                "`filter_tags` must be a list of strings",
            )],
        ),
        (
            one_target(&format!(
                "account_ids = [\"{ACCOUNT}\"]\nworkload_arn = \"{ARN}\"\n"
            )),
            vec![(Some(1), Some("#1 (no name)"), "`name` is missing")],
        ),
        (
            one_target(&format!("name = \"t1\"\naccount_ids = [\"{ACCOUNT}\"]\n")),
            vec![(Some(1), Some("t1"), "`workload_arn` is missing")],
        ),
        (
            one_target(&format!("name = \"t1\"\nworkload_arn = \"{ARN}\"\n")),
            vec![(Some(1), Some("t1"), "`account_ids` is missing")],
        ),
        (
            one_target(&format!(
                "name = \"t1\"\naccount_ids = []\nworkload_arn = \"{ARN}\"\n"
            )),
            vec![(Some(3), Some("t1"), "account_ids is empty")],
        ),
        (
            format!("{}\n{}", full(""), full("")),
            vec![(
                Some(7),
                Some("t1"),
                "the name \"t1\" is used twice (first on line 2)",
            )],
        ),
        (
            one_target(&format!(
                "name = \"bad name!\"\naccount_ids = [\"{ACCOUNT}\"]\nworkload_arn = \"{ARN}\"\n"
            )),
            vec![(Some(2), Some("bad name!"), "bad name \"bad name!\"")],
        ),
        (
            one_target(&format!(
                "name = \"t1\"\naccount_ids = [\"ok\", \"no spaces\"]\nworkload_arn = \"{ARN}\"\n"
            )),
            vec![(Some(3), Some("t1"), "bad account ID \"no spaces\"")],
        ),
        (
            one_target(&format!(
                "name = \"t1\"\naccount_ids = [\"{ACCOUNT}\"]\nworkload_arn = \"arn:aws:s3:::x\"\n"
            )),
            vec![(Some(4), Some("t1"), "bad workload ARN")],
        ),
        (
            full("role_arn = \"arn:aws:iam::1:role/x\"\n"),
            vec![(Some(5), Some("t1"), "bad role ARN")],
        ),
        (
            full("external_id = \"x\"\n"),
            vec![
                (Some(5), Some("t1"), "bad external ID"),
                (Some(5), Some("t1"), "only goes with role_arn"),
            ],
        ),
        (
            full("filter_tags = [\"\"]\n"),
            vec![(Some(5), Some("t1"), "")],
        ),
        (
            full("source = \"cloud-one\"\n"),
            vec![(
                Some(5),
                Some("t1"),
                "unknown source \"cloud-one\": use \"vision-one\" or \"conformity\"",
            )],
        ),
        (
            full("notes_mode = \"append\"\n"),
            vec![(Some(5), Some("t1"), "unknown notes_mode \"append\"")],
        ),
        (
            // A bad default is [defaults]' problem, listed once for all the targets using it.
            format!(
                "[defaults]\naccount_ids = [\"bad id\"]\n\n[[target]]\nname = \"a\"\n\
                 workload_arn = \"{ARN}\"\n\n[[target]]\nname = \"b\"\nworkload_arn = \"{ARN}\"\n"
            ),
            vec![(Some(2), None, "bad account ID \"bad id\"")],
        ),
        (
            "# nothing yet\n".to_string(),
            vec![(None, None, "the plan has no targets")],
        ),
        (
            full("api_key = \"abc\"\n"),
            vec![(Some(5), Some("t1"), "VISIONONE_API_KEY")],
        ),
        (
            format!("aws_secret_access_key = \"abc\"\n{}", full("")),
            vec![(Some(1), None, "AWS_SECRET_ACCESS_KEY in the environment")],
        ),
        (
            format!(
                "[defaults]\nname = \"x\"\nworkload_arn = \"{ARN}\"\n{}",
                full("")
            ),
            vec![
                (Some(2), None, "`name` cannot be in [defaults]"),
                (Some(3), None, "`workload_arn` cannot be in [defaults]"),
            ],
        ),
        (
            format!("[targets]\nname = \"x\"\n{}", full("")),
            vec![(Some(1), None, "only [defaults] and [[target]] tables")],
        ),
        (
            "[[target]]\nname = \"t1\"\naccount_ids = [\n".to_string(),
            vec![(Some(3), None, "not valid TOML")],
        ),
    ];
    for (text, expected) in cases {
        let problems = parse(Path::new("p.toml"), &text).expect_err(&text);
        assert_eq!(problems.len(), expected.len(), "{text}\n{problems:#?}");
        for (problem, (line, target, phrase)) in problems.iter().zip(&expected) {
            assert_eq!(problem.line, *line, "{text}\n{problem:?}");
            assert_eq!(problem.target.as_deref(), *target, "{text}\n{problem:?}");
            assert!(problem.problem.contains(phrase), "{text}\n{problem:?}");
        }
    }
}

#[test]
fn several_problems_are_all_listed_in_line_order() {
    let text = "[[target]]\nname = \"a\"\naccount_ids = [\"bad id\"]\nworkload_arn = \"nope\"\n\n\
         [[target]]\nname = \"b\"\nsource = \"x\"\n";
    let problems = parse(Path::new("p.toml"), text).unwrap_err();
    let lines: Vec<_> = problems.iter().map(|p| p.line).collect();
    assert_eq!(
        lines,
        vec![Some(3), Some(4), Some(6), Some(6), Some(8)],
        "{problems:#?}"
    );
}

#[test]
fn load_lists_each_problem_as_file_line_target() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.toml");
    std::fs::write(&path, full("colour = 1\nsource = \"x\"\n")).unwrap();
    let err = load(&path).unwrap_err();
    assert!(err.is_bad_input());
    let text = err.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let file = path.display().to_string();
    assert!(
        lines[0].starts_with(&format!("{file}:5: target \"t1\": unknown key `colour`")),
        "{text}"
    );
    assert!(
        lines[1].starts_with(&format!("{file}:6: target \"t1\": unknown source")),
        "{text}"
    );
}

#[test]
fn load_of_a_missing_file_is_bad_input() {
    let err = load(Path::new("/nonexistent/plan.toml")).unwrap_err();
    assert!(err.is_bad_input(), "{err}");
    assert!(err.to_string().contains("/nonexistent/plan.toml"), "{err}");
}

#[test]
fn a_secret_value_never_appears_in_the_problem() {
    let problems = parse(Path::new("p.toml"), &full("api_key = \"sk-very-secret\"\n")).unwrap_err();
    assert!(!format!("{problems:?}").contains("sk-very-secret"));
}

fn target(name: &str) -> Target {
    Target {
        name: name.into(),
        source: Some(SourceKind::VisionOne),
        account_ids: vec![ACCOUNT.into()],
        filter_tags: vec!["Environment::production".into()],
        workload_arn: ARN.into(),
        role_arn: None,
        external_id: None,
        profile: Some("prod".into()),
        notes_mode: NotesMode::Overwrite,
    }
}

#[test]
fn a_target_saved_into_a_new_file_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.toml");
    save_target(&path, &target("a")).unwrap();
    let mut b = target("b");
    b.source = None;
    b.filter_tags = vec![];
    b.profile = None;
    b.notes_mode = NotesMode::ReplaceBlock;
    b.role_arn = Some("arn:aws:iam::111122223333:role/W".into());
    b.external_id = Some("ext-1".into());
    save_target(&path, &b).unwrap();
    let plan = load(&path).unwrap();
    assert_eq!(plan.targets, vec![target("a"), b]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# wa-sync plan"), "{text}");
    assert!(!text.contains("notes_mode = \"replace-block\""), "{text}");
}

#[test]
fn saving_a_target_keeps_comments_order_and_the_other_targets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.toml");
    let original = good_plan();
    std::fs::write(&path, &original).unwrap();
    let before = parse(&path, &original).unwrap();

    // Saving a target unchanged leaves the file byte for byte.
    for t in &before.targets {
        save_target(&path, t).unwrap();
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);

    // Changing one value changes that value only; its comment stays.
    let mut changed = before.targets[0].clone();
    changed.name = "payments-prod".into();
    changed.notes_mode = NotesMode::ReplaceBlock;
    changed.profile = Some("other".into());
    save_target(&path, &changed).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let expected = original
        .replace("profile = \"prod\"\n", "profile = \"other\"\n")
        .replace("notes_mode = \"overwrite\"\n", "");
    assert_eq!(text, expected);
    let after = load(&path).unwrap();
    assert_eq!(after.targets, vec![changed, before.targets[1].clone()]);

    // A new one goes at the end, the rest untouched.
    save_target(&path, &target("new-one")).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(&expected), "{text}");
    assert_eq!(load(&path).unwrap().targets[2], target("new-one"));
}

#[test]
fn removing_a_target_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.toml");
    std::fs::write(&path, good_plan()).unwrap();
    remove_target(&path, "payments-staging").unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let kept = good_plan();
    let kept = &kept[..kept.find("# The staging copy.").unwrap()];
    assert_eq!(text.trim_end(), kept.trim_end());
    assert_eq!(load(&path).unwrap().targets.len(), 1);

    let err = remove_target(&path, "nope").unwrap_err();
    assert!(
        err.to_string().contains("no target named \"nope\""),
        "{err}"
    );
}

#[test]
fn a_bad_target_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.toml");
    let mut bad = target("a");
    bad.workload_arn = "arn:nope".into();
    let err = save_target(&path, &bad).unwrap_err();
    assert!(err.is_bad_input());
    assert_eq!(err.field(), Some(crate::Field::WorkloadArn));
    assert!(!path.exists());

    bad = target("a b");
    assert!(save_target(&path, &bad).unwrap_err().is_bad_input());
    assert!(!path.exists());
}

#[test]
fn a_target_cannot_unset_what_defaults_set() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.toml");
    std::fs::write(&path, good_plan()).unwrap();
    let mut t = target("x");
    t.source = None;
    let err = save_target(&path, &t).unwrap_err();
    assert!(
        err.to_string().contains("[defaults] sets `source`"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), good_plan());
}

proptest::proptest! {
    /// Whatever the file holds, parsing answers with a plan or problems, never a panic, and every
    /// problem's line is within the file.
    #[test]
    fn any_text_parses_or_lists_problems(
        lines in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just("[[target]]".to_string()),
                proptest::strategy::Just("[defaults]".to_string()),
                proptest::strategy::Just(format!("workload_arn = \"{ARN}\"")),
                proptest::strategy::Just(format!("account_ids = [\"{ACCOUNT}\"]")),
                "[a-z_]{1,12} = \"[ -~]{0,20}\"",
                "name = \"[a-z. !-]{0,8}\"",
                "[ -~]{0,30}",
            ],
            0..12,
        )
    ) {
        let text = lines.join("\n");
        if let Err(problems) = parse(Path::new("p.toml"), &text) {
            proptest::prop_assert!(!problems.is_empty());
            for p in problems {
                if let Some(line) = p.line {
                    proptest::prop_assert!(line >= 1 && line <= lines.len().max(1));
                }
            }
        }
    }
}
