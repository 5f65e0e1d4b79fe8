#!/usr/bin/env python3
"""Checks the shipped lens, best-practice and mapping data against each other and prints coverage.

Run from anywhere: python3 tests/mapping/check_data.py [--markdown] [--rev GIT_REV] [--compare GIT_REV]
With --rev, the data files are read from that git revision instead of the work tree; --compare prints
Markdown tables of the coverage at that revision next to the coverage now (the figures of
docs/mapping-review.md). Exits non-zero, listing every problem, when the data is inconsistent.
"""

import argparse
import collections
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = "src-tauri/engine/data"
PILLARS = [
    ("operationalExcellence", "Operational Excellence", "operational-excellence", "OPS"),
    ("security", "Security", "security", "SEC"),
    ("reliability", "Reliability", "reliability", "REL"),
    ("performance", "Performance Efficiency", "performance-efficiency", "PERF"),
    ("costOptimization", "Cost Optimization", "cost-optimisation", "COST"),
    ("sustainability", "Sustainability", "sustainability", "SUS"),
]
PILLAR_OF_CATEGORY = {category: pillar for pillar, _, category, _ in PILLARS}
BP_ID = re.compile(r"^(OPS|SEC|REL|PERF|COST|SUS)\d{2}-BP\d{2}$")
CHOICE_ID = re.compile(r"^(ops|sec|rel|perf|cost|sus)_[a-z0-9_]+$")
# The Rust data tests hold the same limits (src-tauri/engine/src/mapping/data_tests.rs).
MAX_QUESTIONS_PER_RULE = 3
MAX_OUTSIDE_CATEGORY_EXCEPTIONS = 61


def read(name, rev):
    if rev is None:
        path = os.path.join(ROOT, DATA, name)
        if not os.path.exists(path):
            return None
        with open(path, encoding="utf-8") as f:
            return f.read()
    shown = subprocess.run(
        ["git", "-C", ROOT, "show", f"{rev}:{DATA}/{name}"],
        capture_output=True,
        text=True,
    )
    return shown.stdout if shown.returncode == 0 else None


def rows(text):
    """Data lines split on tabs: comments, blank lines and the header row left out."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        out.append((number, line.split("\t")))
    return out[1:] if out and out[0][1][0] in ("rule_id", "question_id") else out


def load(rev):
    problems = []
    lens = []  # (number, pillar_id, question_id, title)
    for _, f in rows(read("lens-wellarchitected.tsv", rev)):
        lens.append(tuple(f))
    question = {q[2]: q for q in lens}

    catalogue = collections.OrderedDict()
    for _, f in rows(read("conformity-aws-rules.tsv", rev)):
        catalogue[f[0]] = (f[1], f[2].split(","))

    mapping = collections.OrderedDict()
    exceptions = 0
    for number, f in rows(read("mapping-wellarchitected.tsv", rev)):
        where = f"mapping-wellarchitected.tsv line {number}"
        if not 2 <= len(f) <= 4:
            problems.append(f"{where}: expected 2 to 4 tab-separated fields, found {len(f)}")
            continue
        rule_id = f[0]
        questions = [] if f[1] in ("-", "") else f[1].split(",")
        reason = f[2].strip() if len(f) > 2 else ""
        outside = f[3].strip() if len(f) > 3 else ""
        if rule_id in mapping:
            problems.append(f"{where}: {rule_id} appears more than once")
        if not reason:
            problems.append(f"{where}: {rule_id} has no reason")
        if len(questions) > MAX_QUESTIONS_PER_RULE:
            problems.append(f"{where}: {rule_id} maps to more than {MAX_QUESTIONS_PER_RULE} questions")
        if len(set(questions)) != len(questions):
            problems.append(f"{where}: {rule_id} lists a question twice")
        for q in questions:
            if q not in question:
                problems.append(f"{where}: {rule_id} maps to {q!r}, not a question of the lens")
        if rule_id in catalogue:
            pillars = {PILLAR_OF_CATEGORY.get(c) for c in catalogue[rule_id][1]} - {None}
            is_outside = any(q in question and question[q][1] not in pillars for q in questions)
            if is_outside != bool(outside):
                problems.append(
                    f"{where}: {rule_id}: outside_categories must be filled exactly when a question "
                    f"lies outside its categories {catalogue[rule_id][1]}"
                )
            exceptions += is_outside
        mapping[rule_id] = (questions, reason, outside)
    if list(mapping) != list(catalogue):
        missing = [r for r in catalogue if r not in mapping]
        extra = [r for r in mapping if r not in catalogue]
        problems.append(
            "the mapping must list every catalogue rule once, in catalogue order"
            f" (missing {missing[:10]}, not in the catalogue {extra[:10]})"
        )
    if exceptions > MAX_OUTSIDE_CATEGORY_EXCEPTIONS:
        problems.append(f"{exceptions} rules go outside their categories; the limit is {MAX_OUTSIDE_CATEGORY_EXCEPTIONS}")

    best_practices = collections.OrderedDict()  # ID -> (question_id, choice_id, title)
    text = read("best-practices-wellarchitected.tsv", rev)
    if text is not None:
        choices = set()
        for number, f in rows(text):
            where = f"best-practices-wellarchitected.tsv line {number}"
            if len(f) != 4:
                problems.append(f"{where}: expected 4 tab-separated fields, found {len(f)}")
                continue
            q, bp, choice, title = f
            if q not in question:
                problems.append(f"{where}: {q!r} is not a question of the lens")
            if not BP_ID.match(bp):
                problems.append(f"{where}: {bp!r} is not a best-practice ID such as SEC08-BP02")
            elif q in question:
                prefix, n = question[q][0].split()
                if bp[: bp.index("-")] != f"{prefix}{int(n):02d}":
                    problems.append(f"{where}: {bp} does not belong to {question[q][0]} ({q})")
            if not CHOICE_ID.match(choice):
                problems.append(f"{where}: {choice!r} is not a choice ID such as sec_protect_data_rest_encrypt")
            if bp in best_practices:
                problems.append(f"{where}: {bp} appears twice")
            if choice in choices:
                problems.append(f"{where}: choice ID {choice} appears twice")
            if not title.strip():
                problems.append(f"{where}: {bp} has no title")
            choices.add(choice)
            best_practices[bp] = (q, choice, title)
        order = [q[2] for q in lens]
        listed = [best_practices[b][0] for b in best_practices if best_practices[b][0] in question]
        if listed != sorted(listed, key=order.index):
            problems.append("best-practices-wellarchitected.tsv is not in lens order")
        for q in lens:
            if not any(v[0] == q[2] for v in best_practices.values()):
                problems.append(f"best-practices-wellarchitected.tsv: {q[0]} ({q[2]}) has no best practice")

    bp_mapping = collections.OrderedDict()
    text = read("mapping-best-practices.tsv", rev)
    if text is not None:
        for number, f in rows(text):
            where = f"mapping-best-practices.tsv line {number}"
            if len(f) != 3:
                problems.append(f"{where}: expected rule_id, best_practice_ids, reason; found {len(f)} field(s)")
                continue
            rule_id, bps, reason = f
            if rule_id in bp_mapping:
                problems.append(f"{where}: {rule_id} appears twice")
            if not reason.strip():
                problems.append(f"{where}: {rule_id} has no reason")
            ids = bps.split(",")
            if not bps or len(set(ids)) != len(ids):
                problems.append(f"{where}: {rule_id}: best_practice_ids must be a list without repeats")
            questions = mapping.get(rule_id, ([], "", ""))[0]
            if rule_id not in mapping:
                problems.append(f"{where}: {rule_id} is not in the question mapping")
            for bp in ids:
                if bp not in best_practices:
                    problems.append(f"{where}: {rule_id}: {bp} is not a best practice of the lens")
                elif best_practices[bp][0] not in questions:
                    problems.append(
                        f"{where}: {rule_id}: {bp} belongs to {best_practices[bp][0]}, "
                        f"not to one of the rule's questions {questions}"
                    )
            for q in questions:
                if not any(bp in best_practices and best_practices[bp][0] == q for bp in ids):
                    problems.append(f"{where}: {rule_id} maps to {q} but to none of its best practices")
            bp_mapping[rule_id] = ids
        order = [r for r in mapping if r in bp_mapping]
        if list(bp_mapping) != order:
            problems.append("mapping-best-practices.tsv is not in the order of the question mapping")
        for rule_id, (questions, _, _) in mapping.items():
            if questions and rule_id not in bp_mapping:
                problems.append(f"mapping-best-practices.tsv: {rule_id} maps to questions but has no line")
    return lens, catalogue, mapping, best_practices, bp_mapping, problems, exceptions


def coverage(lens, mapping, best_practices, bp_mapping):
    rules_per_question = collections.Counter()
    for questions, _, _ in mapping.values():
        rules_per_question.update(questions)
    rules_per_bp = collections.Counter()
    for ids in bp_mapping.values():
        rules_per_bp.update(ids)
    pillars = []
    for pillar, name, _, _ in PILLARS:
        qs = [q for q in lens if q[1] == pillar]
        rules = {r for r, (questions, _, _) in mapping.items() if any(q[2] in questions for q in qs)}
        bps = [b for b, v in best_practices.items() if any(v[0] == q[2] for q in qs)]
        pillars.append(
            (
                name,
                len(rules),
                sum(1 for q in qs if rules_per_question[q[2]]),
                len(qs),
                sum(1 for b in bps if rules_per_bp[b]),
                len(bps),
            )
        )
    questions = []
    for q in lens:
        bps = [b for b, v in best_practices.items() if v[0] == q[2]]
        questions.append((q[0], q[2], rules_per_question[q[2]], sum(1 for b in bps if rules_per_bp[b]), len(bps)))
    return pillars, questions, rules_per_bp


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="read the data from this git revision")
    parser.add_argument("--markdown", action="store_true", help="print coverage as Markdown tables")
    parser.add_argument("--best-practices", action="store_true", help="also list rules per best practice")
    parser.add_argument("--compare", metavar="GIT_REV", help="Markdown tables: coverage at GIT_REV and now")
    args = parser.parse_args()
    if args.compare:
        return compare(args.compare)
    lens, _, mapping, best_practices, bp_mapping, problems, exceptions = load(args.rev)
    for p in problems:
        print(f"PROBLEM: {p}", file=sys.stderr)
    pillars, questions, rules_per_bp = coverage(lens, mapping, best_practices, bp_mapping)
    mapped = sum(1 for q, _, _ in mapping.values() if q)
    print(f"{len(mapping)} rules, {mapped} mapped to questions, {len(bp_mapping)} mapped to best practices, "
          f"{len(best_practices)} best practices in the lens, "
          f"{exceptions} rules with a question outside their Conformity categories")
    print()
    if args.markdown:
        print("| Pillar | Rules | Questions with a rule | Best practices with a rule |")
        print("|---|---:|---:|---:|")
        for name, rules, qc, qn, bc, bn in pillars:
            print(f"| {name} | {rules} | {qc}/{qn} | {bc}/{bn} |")
        print()
        print("| # | Question | Rules | Best practices with a rule |")
        print("|---|---|---:|---:|")
        for number, qid, rules, bc, bn in questions:
            print(f"| {number} | {qid} | {rules} | {bc}/{bn} |")
    else:
        print(f"{'PILLAR':24}{'RULES':>6}{'QUESTIONS':>11}{'BEST PRACTICES':>16}")
        for name, rules, qc, qn, bc, bn in pillars:
            print(f"{name:24}{rules:>6}{f'{qc}/{qn}':>11}{f'{bc}/{bn}':>16}")
        print()
        print(f"{'#':9}{'QUESTION':30}{'RULES':>6}{'BEST PRACTICES':>16}")
        for number, qid, rules, bc, bn in questions:
            print(f"{number:9}{qid:30}{rules:>6}{f'{bc}/{bn}':>16}")
    if args.best_practices:
        print()
        for bp, (q, _, title) in best_practices.items():
            print(f"{bp}\t{rules_per_bp[bp]}\t{title}")
    if problems:
        print(f"\n{len(problems)} problem(s); see above", file=sys.stderr)
        return 1
    return 0


def compare(rev):
    """Coverage at `rev` next to coverage now, as Markdown; problems of the old data are not checked."""
    before = load(rev)
    after = load(None)
    for p in after[5]:
        print(f"PROBLEM: {p}", file=sys.stderr)
    b_pillars, b_questions, _ = coverage(before[0], before[2], before[3], before[4])
    a_pillars, a_questions, a_rules_per_bp = coverage(after[0], after[2], after[3], after[4])
    print(f"Before ({rev}): {sum(1 for q, _, _ in before[2].values() if q)} of {len(before[2])} rules mapped, "
          f"{before[6]} outside their Conformity categories, {len(before[4])} mapped to best practices. "
          f"After: {sum(1 for q, _, _ in after[2].values() if q)} mapped, {after[6]} outside their categories, "
          f"{len(after[4])} mapped to best practices.")
    print()
    print("| Pillar | Rules before | Rules after | Questions with a rule before | after | Best practices with a rule before | after |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for b, a in zip(b_pillars, a_pillars):
        print(f"| {a[0]} | {b[1]} | {a[1]} | {b[2]}/{b[3]} | {a[2]}/{a[3]} | {b[4]}/{a[5]} | {a[4]}/{a[5]} |")
    total_b = sum(p[4] for p in b_pillars)
    total_a = sum(p[4] for p in a_pillars)
    total = sum(p[5] for p in a_pillars)
    print(f"| **All** | | | {sum(p[2] for p in b_pillars)}/{len(after[0])} | {sum(p[2] for p in a_pillars)}/{len(after[0])} "
          f"| {total_b}/{total} | {total_a}/{total} |")
    print()
    print("| # | Question | Rules before | Rules after | Best practices with a rule (after) |")
    print("|---|---|---:|---:|---:|")
    for b, a in zip(b_questions, a_questions):
        changed = "**" if b[2] != a[2] else ""
        print(f"| {a[0]} | {a[1]} | {b[2]} | {changed}{a[2]}{changed} | {a[3]}/{a[4]} |")
    print()
    print("| Best practice | Title | Rules |")
    print("|---|---|---:|")
    for bp, (_, _, title) in after[3].items():
        print(f"| {bp} | {title} | {a_rules_per_bp[bp]} |")
    return 1 if after[5] else 0


if __name__ == "__main__":
    sys.exit(main())
