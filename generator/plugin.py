"""The MkDocs plugin: wires MkDocs events to the generator. The only module importing mkdocs."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from . import project as pipeline
from .due import due_referrals
from .problems import InvalidData
from .site_secret import MissingSecret
from .writer import ForeignFileError

log = logging.getLogger("mkdocs.plugins.referral_newsletter")


class ReferralNewsletterConfig(base.Config):
    data_file = opt.Type(str, default=pipeline.DATA_FILE)
    state_dir = opt.Type(str, default=pipeline.STATE_DIR)


class ReferralNewsletterPlugin(BasePlugin[ReferralNewsletterConfig]):
    def __init__(self) -> None:
        self.command = "build"

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    # Runs before MkDocs collects files, so the blog plugin (on_files at priority -50) finds
    # the generated posts on disk like any hand-written one.
    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        project = self._project(config)
        try:
            outcome = pipeline.generate(
                project, pipeline.today(), os.environ, publishing=self.command == "gh-deploy"
            )
        except InvalidData as error:
            raise PluginError(error.report) from None
        except (ForeignFileError, MissingSecret, ValueError) as error:
            raise PluginError(str(error)) from None
        if outcome.secret.origin == "created":
            log.info("Created a local preview secret in %s (ignored by git).", project.secret_file)
        log.info("Generated pages from %s: %s", project.display_name, outcome.report)
        for item in due_referrals(outcome.data, pipeline.today()):
            log.info("%s: %s", project.display_name, item.describe())
        return config

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(str(self._project(config).data_file))
        return server

    def _project(self, config: MkDocsConfig) -> pipeline.Project:
        root = Path(config.config_file_path).parent
        return pipeline.Project(
            root, root / self.config.data_file, Path(config.docs_dir), root / self.config.state_dir
        )
