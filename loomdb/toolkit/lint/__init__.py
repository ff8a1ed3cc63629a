"""`loomdb lint`: governance rules (WL001...) over a schema export file or a live endpoint's schema, configured
by a YAML file, with ignores, a compliance summary and CI reporters. Only the public REST API is read.

    from loomdb.toolkit.lint import LintConfig, from_file, run
    report = run(from_file("schema.json"), LintConfig.load(None))
"""
from .annotations import github, gitlab
from .catalogue import BY_KEY, RULES
from .config import LintConfig, LintConfigError
from .runner import run
from .source import SchemaSourceError, from_endpoint, from_file

__all__ = ["BY_KEY", "RULES", "LintConfig", "LintConfigError", "SchemaSourceError", "from_endpoint", "from_file",
           "github", "gitlab", "run"]
