"""The PO/UX default matrix: how product owners and UX experts usually split product decisions.

Grounded in common Scrum/product practice: the Product Owner is accountable for what gets
built and in which order; UX researchers own how evidence is gathered and synthesised; UX
designers own the experience, the design system and accessibility; the tech lead owns how it
is built; a data analyst owns measurement. Teams replace any of it with `/raci set`.
"""

from __future__ import annotations

PRODUCT_OWNER = "Product Owner"
UX_DESIGNER = "UX Designer"
UX_RESEARCHER = "UX Researcher"
TECH_LEAD = "Tech Lead"
DATA_ANALYST = "Data Analyst"
STAKEHOLDER = "Stakeholder"

ROLES: tuple[str, ...] = (
    PRODUCT_OWNER,
    UX_DESIGNER,
    UX_RESEARCHER,
    TECH_LEAD,
    DATA_ANALYST,
    STAKEHOLDER,
)

ROLE_ABBREVIATIONS: dict[str, str] = {
    PRODUCT_OWNER: "PO",
    UX_DESIGNER: "UXD",
    UX_RESEARCHER: "UXR",
    TECH_LEAD: "TL",
    DATA_ANALYST: "DA",
    STAKEHOLDER: "SH",
}

ROLE_ALIASES: dict[str, str] = {
    "po": PRODUCT_OWNER,
    "product owner": PRODUCT_OWNER,
    "product manager": PRODUCT_OWNER,
    "pm": PRODUCT_OWNER,
    "ux": UX_DESIGNER,
    "uxd": UX_DESIGNER,
    "designer": UX_DESIGNER,
    "design": UX_DESIGNER,
    "uxr": UX_RESEARCHER,
    "researcher": UX_RESEARCHER,
    "research": UX_RESEARCHER,
    "tl": TECH_LEAD,
    "tech": TECH_LEAD,
    "engineering": TECH_LEAD,
    "engineering lead": TECH_LEAD,
    "eng": TECH_LEAD,
    "dev lead": TECH_LEAD,
    "data": DATA_ANALYST,
    "analyst": DATA_ANALYST,
    "analytics": DATA_ANALYST,
    "stakeholders": STAKEHOLDER,
    "business": STAKEHOLDER,
    "leadership": STAKEHOLDER,
}


def _raci(**letters: str) -> dict[str, str]:
    """Keyword-friendly role keys (po, uxd, ...) to role names."""
    short = {
        "po": PRODUCT_OWNER,
        "uxd": UX_DESIGNER,
        "uxr": UX_RESEARCHER,
        "tl": TECH_LEAD,
        "data": DATA_ANALYST,
        "sh": STAKEHOLDER,
    }
    return {short[key]: value for key, value in letters.items()}


# (decision, aliases people type when they ask, R/A/C/I per role)
DECISIONS: tuple[tuple[str, tuple[str, ...], dict[str, str]], ...] = (
    (
        "Backlog ordering & prioritisation",
        ("backlog priority", "prioritization", "what we build next", "sprint priorities"),
        _raci(po="AR", tl="C", uxd="C", uxr="C", sh="I"),
    ),
    (
        "Product roadmap",
        ("roadmap", "release plan", "quarterly plan"),
        _raci(po="AR", sh="C", tl="C", uxd="C", uxr="I", data="I"),
    ),
    (
        "Product vision & goals",
        ("vision", "product strategy", "goals", "okrs"),
        _raci(po="AR", sh="C", uxr="C", uxd="C", tl="I", data="I"),
    ),
    (
        "Acceptance criteria",
        ("definition of done", "user story acceptance", "story requirements"),
        _raci(po="AR", tl="C", uxd="C", uxr="I"),
    ),
    (
        "Release go/no-go",
        ("release decision", "launch approval", "ship it", "go live"),
        _raci(po="A", tl="R", uxd="C", data="C", sh="I", uxr="I"),
    ),
    (
        "KPI & success metric definition",
        ("kpis", "success metrics", "north star metric", "measurement plan"),
        _raci(po="A", data="R", uxr="C", sh="C", tl="I", uxd="I"),
    ),
    (
        "User research plan",
        ("research plan", "research roadmap", "discovery plan", "interview plan"),
        _raci(uxr="AR", po="C", uxd="C", tl="I", sh="I"),
    ),
    (
        "Usability testing",
        ("usability tests", "user testing", "prototype testing"),
        _raci(uxr="AR", uxd="R", po="C", tl="I"),
    ),
    (
        "Journey maps & personas",
        ("personas", "customer journey", "user journey", "service blueprint"),
        _raci(uxr="A", uxd="R", po="C", sh="I", tl="I"),
    ),
    (
        "UI & interaction design",
        ("ui design", "screen design", "wireframes", "mockups", "prototypes"),
        _raci(uxd="AR", po="C", tl="C", uxr="C", sh="I"),
    ),
    (
        "Design system changes",
        ("design system", "component library", "ui components", "design tokens"),
        _raci(uxd="AR", tl="C", po="I"),
    ),
    (
        "Accessibility sign-off",
        ("accessibility", "a11y", "wcag compliance"),
        _raci(uxd="AR", tl="C", uxr="C", po="I"),
    ),
    (
        "A/B test design",
        ("ab test", "a/b testing", "experiment design", "split test", "experiments"),
        _raci(po="A", data="R", uxr="R", uxd="C", tl="C", sh="I"),
    ),
    (
        "Research insight synthesis",
        ("insights", "research findings", "synthesis", "affinity mapping"),
        _raci(uxr="AR", uxd="C", po="C", sh="I", tl="I"),
    ),
    (
        "Stakeholder communication",
        ("stakeholder updates", "status reports", "stakeholder management"),
        _raci(po="AR", uxr="C", tl="C", sh="I"),
    ),
    (
        "Technical architecture",
        ("architecture", "tech stack", "implementation approach", "technical design"),
        _raci(tl="AR", po="C", uxd="C", sh="I"),
    ),
    (
        "Sprint goal & scope",
        ("sprint goal", "sprint scope", "iteration planning", "sprint planning"),
        _raci(po="A", tl="R", uxd="C", uxr="I", sh="I"),
    ),
    (
        "UX writing & content",
        ("copy", "microcopy", "ux copy", "content design", "tone of voice"),
        _raci(uxd="AR", po="C", uxr="C", tl="I"),
    ),
    (
        "Feature sunset & deprecation",
        ("deprecation", "sunset", "remove feature", "end of life"),
        _raci(po="AR", tl="C", uxr="C", sh="C", uxd="I"),
    ),
    (
        "Pricing & packaging",
        ("pricing", "plans", "packaging", "monetisation"),
        _raci(sh="A", po="R", data="C", uxr="C", uxd="I", tl="I"),
    ),
)
