"""No door decides by itself: every authorization check asks napiter.policy.

The code never checks a role name (`roles.SUPERVISOR in user.role_names()`), a Django permission
(`user.has_perm("cases.add_person")`) or a permission string, and no template tests `perms.`: each asks an
action declared once in napiter/policy/declaration.py, with its roles and scope. This test reads the source and
lists every place that still decides on its own.
"""

from __future__ import annotations

import re
from pathlib import Path

from napiter.accounts.roles import ROLES

ROOT = Path(__file__).resolve().parents[2]
CODE = ("napiter", "cases", "assistance", "assessments", "sinergi", "privacy", "dashboards")

# Where reading roles and permissions is the point, not an access check:
EXEMPT = (
    # Schema history: data migrations create groups and permissions.
    re.compile(r"(^|/)migrations/"),
    # The policy itself: the one place actions are bound to roles.
    re.compile(r"^napiter/policy/"),
    # The role table: the groups and the Django permissions each carries (the admin, the object grants).
    re.compile(r"^napiter/accounts/roles\.py$"),
    # The authentication backend loads a user's roles and permissions for the request; it checks nothing.
    re.compile(r"^napiter/accounts/backends\.py$"),
    # Demo and seed data create users with their roles; giving a role is not checking one.
    re.compile(r"(^|/)demo(_\w+)?\.py$"),
    re.compile(r"(^|/)management/commands/(seed|demo)_\w+\.py$"),
    re.compile(r"^napiter/scale/"),
)

# Django model permissions look like "app_label.codename"; any of the role table's, or a default one.
_PERMISSIONS = sorted({p for role in ROLES.values() for p in role.permissions}, key=len, reverse=True)
_APP_LABELS = sorted({p.split(".", 1)[0] for p in _PERMISSIONS})
PATTERNS = {
    "has_perm(": re.compile(r"\bhas_perms?\("),
    ".role_names(": re.compile(r"\.role_names\("),
    "roles.<ROLE>": re.compile(r"\broles\.[A-Z][A-Z_0-9]*\b"),
    "permission string": re.compile(
        r"""["'](?:"""
        + "|".join(re.escape(p) for p in _PERMISSIONS)
        + r"|(?:"
        + "|".join(re.escape(label) for label in _APP_LABELS)
        + r""")\.(?:add|change|delete|view)_\w+)["']"""
    ),
}
TEMPLATE_PATTERN = re.compile(r"\bperms\.")


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _python_files() -> list[Path]:
    files = [p for top in CODE for p in sorted((ROOT / top).rglob("*.py"))]
    return [p for p in files if not any(rule.search(_relative(p)) for rule in EXEMPT)]


def _templates() -> list[Path]:
    found = set((ROOT / "templates").rglob("*.html"))
    for top in CODE:
        found.update((ROOT / top).rglob("templates/**/*.html"))
    return sorted(found)


def _hits(files: list[Path], patterns: dict[str, re.Pattern[str]]) -> list[str]:
    hits = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for name, pattern in patterns.items():
                if pattern.search(line):
                    hits.append(f"{_relative(path)}:{number}: {name}: {line.strip()}")
    return hits


def test_the_scan_sees_the_code_and_the_templates():
    assert len(_python_files()) > 100
    assert len(_templates()) > 50


def test_the_patterns_catch_the_checks_they_forbid():
    lines = [
        'if not user.has_perm("cases.add_person"):',
        "return roles.SUPERVISOR in user.role_names()",
        'ADD = "assessments.add_assessment"',
        'if request.user.has_perms(["sinergi.approve_actionplan"]):',
    ]
    for line in lines:
        assert any(p.search(line) for p in PATTERNS.values()), line
    assert TEMPLATE_PATTERN.search("{% if perms.cases.add_person %}")
    # A model label or an action name is not a permission.
    for line in ['ASSESSMENT_TYPE = "assessments.assessment"', 'policy.holds(user, "grant.approve")']:
        assert not any(p.search(line) for p in PATTERNS.values()), line


def test_no_code_checks_a_role_or_a_permission_outside_the_policy():
    hits = _hits(_python_files(), PATTERNS)
    assert hits == [], "ask napiter.policy instead (declare the action if needed):\n" + "\n".join(hits)


def test_no_template_checks_a_permission():
    hits = _hits(_templates(), {"perms.": TEMPLATE_PATTERN})
    assert hits == [], 'use {% allowed "action" as name %} or a context variable from the policy:\n' + "\n".join(hits)
