"""The MkDocs plugin: wires MkDocs events to the generator. The only module importing mkdocs."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

import markupsafe
import pathspec
from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from . import build_facts, guard, serve_plugins, serve_problems, serve_watch, unchecked_site
from . import project as pipeline
from .address_book import handover_warning
from .address_clash import address_clashes
from .build_facts import DUE_SHOWN, BuildFacts
from .data_file_access import refuse_unless_readable
from .guard_worker import GuardJob, GuardStopped, GuardWorker
from .html_page import HtmlBodies
from .links import site_public_text
from .markdown import GENERATED_BY, escape_html
from .models import Newsletter
from .moment import BuildMoment, day_start, in_whole_minutes
from .numbers_in_words import plural
from .presentation import brand_name, feed_author, missing_logo, post_days_as_dates
from .problems import InvalidData
from .quarantine import Quarantined, quarantine, quarantine_note
from .render import FOLLOW_PAGE, SiteLayout
from .render_memo import RenderMemo
from .runnable import generator_command
from .scan_memory import ScanMemory
from .site_secret import THROWAWAY_WARNING, MissingSecret, gone_warning, moved_warning
from .stale_pages import remove_stale_private_pages
from .stop_signals import StopSignals
from .write_undo import WriteFailed, os_failure
from .writer import ForeignFileError, read_manifest

log = logging.getLogger("mkdocs.plugins.referral_newsletter")
# mkdocs-rss-plugin's default cache_dir, relative to the current folder.
_FEED_CACHE = ".cache/plugins/rss"


def _show_brand(config: MkDocsConfig, newsletter: Newsletter, project: pipeline.Project) -> None:
    """The business in the header (Material prints site_name there), and its logo if given.

    Material prints site_name unescaped in places and with ``| e`` in others: escaped once and
    marked safe, it reads right in both (and in the feed's autoescaped title).
    """
    config.site_name = markupsafe.escape(brand_name(newsletter, config.site_name))
    if newsletter.logo:
        if problem := missing_logo(
            newsletter, Path(config.docs_dir), project.data_file, project.display_name
        ):
            # A warning, so `--strict` (CI) refuses a header with a broken picture.
            log.warning(problem)
        config.theme["logo"] = newsletter.logo


def _name_the_feed(config: MkDocsConfig, newsletter: Newsletter) -> None:
    """The feed is the newsletter: feed readers list it under ``newsletter.title`` unless
    mkdocs.yml gives the rss plugin a ``feed_title``. Escaped once and marked safe: the feed
    template prints the title both unescaped and with ``|e``."""
    rss = config.plugins.get("rss")
    if rss is not None and not rss.config.get("feed_title"):
        rss.config["feed_title"] = markupsafe.escape(newsletter.title)


def _date_the_feed_where_the_owner_lives(config: MkDocsConfig, newsletter: Newsletter) -> None:
    """Posts are dated by the owner's date, which the feed plugin puts at 00:00 in its
    ``default_timezone`` (UTC unless mkdocs.yml says otherwise): east of UTC the issue under
    way was dated hours ahead of its making, after the feed's lastBuildDate. At 00:00 where
    the owner lives, no issue is dated after the run that made it."""
    rss = config.plugins.get("rss")
    if rss is not None and rss.config.date_from_meta.default_timezone == "UTC":
        rss.config.date_from_meta.default_timezone = newsletter.timezone


def _channel_dated_in_utc(config: MkDocsConfig) -> None:
    """mkdocs-rss-plugin dates its channel (pubDate, lastBuildDate) with ``formatdate()``, whose
    "-0000" RFC 2822 reserves for "zone unknown" (Python reads it back as a naive time) and has
    no setting for it. The same instant is UTC: said "+0000", as each item's zone is said."""
    rss = config.plugins.get("rss")
    for feed in (getattr(rss, "feed_created", None), getattr(rss, "feed_updated", None)):
        if feed is not None:
            feed.pubDate = _said_in_utc(feed.pubDate)
            feed.buildDate = _said_in_utc(feed.buildDate)


def _said_in_utc(stamp: str | None) -> str | None:
    return stamp.removesuffix(" -0000") + " +0000" if stamp and stamp.endswith(" -0000") else stamp


def _items_dated_in_whole_minutes(config: MkDocsConfig) -> None:
    """An issue from before the owner's zone kept whole minutes was dated "Fri, 31 May 1935
    00:00:00 +011932" in Europe/Amsterdam, which feedparser read as 29 May, 14:48 UTC (the
    instant is 30 May, 22:40:28 UTC): such a date is said in UTC (moment.in_whole_minutes)."""
    rss = config.plugins.get("rss")
    for item in getattr(rss, "pages_to_filter", ()):  # the pages each feed's items are taken from
        for name in ("created", "updated"):
            if isinstance(moment := getattr(item, name, None), dt.datetime):
                setattr(item, name, in_whole_minutes(moment))


def _feed_cache_in_project(config: MkDocsConfig, root: Path) -> None:
    """mkdocs-rss-plugin makes its cache folder (``.cache/plugins/rss``) in the current folder
    unless told otherwise: `mkdocs build -f path/mkdocs.yml` run elsewhere left it there, and
    stopped in a traceback where it could not write. The project's own folder instead (ignored
    by git), as when MkDocs runs there."""
    rss = config.plugins.get("rss")
    if rss is not None and rss.config.get("cache_dir") == str(Path(_FEED_CACHE).resolve()):
        rss.config["cache_dir"] = str(root / _FEED_CACHE)


def _check_blog_dir(config: MkDocsConfig, blog_dir: str) -> None:
    """The issues are written into ``blog_dir/posts/``: a blog plugin set to read another folder
    builds them as plain pages, out of the blog, with no word said (a warning fails --strict)."""
    blog = config.plugins.get("material/blog") or config.plugins.get("blog")
    configured = str(blog.config.get("blog_dir", blog_dir)).strip("/") if blog is not None else blog_dir
    if configured != blog_dir:
        log.warning(
            "mkdocs.yml: the blog plugin's blog_dir is '%s', but the newsletter's issues are written to "
            "%s/posts/ in the docs folder: set blog_dir: %s, or they are built as plain pages, out of "
            "the blog and its feed",
            configured,
            blog_dir,
            blog_dir,
        )


def _keep_private_pages_out_of_nav(config: MkDocsConfig, private_dir: str) -> None:
    """Private pages are never in a navigation, whatever mkdocs.yml says: without ``not_in_nav``
    covering them MkDocs lists each one ("p/<token>.md") in the build log, which CI shows to
    anyone who can read the repository, and without ``nav`` links them from every page."""
    _add_not_in_nav(config, f"/{private_dir}/", f"{private_dir}/page.md")


def _keep_the_follow_page_quiet(config: MkDocsConfig) -> None:
    """The follow page is reached from the home page's link, on purpose out of an explicit
    ``nav``: without this every build logged it as a page missing from the nav. With no ``nav``
    MkDocs lists every page and says nothing, so the page keeps its place there."""
    if config.nav is not None:
        _add_not_in_nav(config, f"/{FOLLOW_PAGE}", FOLLOW_PAGE)


def _add_not_in_nav(config: MkDocsConfig, pattern: str, example: str) -> None:
    """``pattern`` added to mkdocs.yml's ``not_in_nav`` unless it already covers ``example``;
    the owner's own entries are kept."""
    spec = config.not_in_nav
    if spec is not None and spec.match_file(example):
        return
    added = pathspec.gitignore.GitIgnoreSpec.from_lines([pattern])
    config.not_in_nav = added if spec is None else spec + added


def _log_the_secret(outcome: pipeline.Outcome, secret_file: Path) -> None:
    """What the owner is told of the site secret this run used (made, throwaway, or moved) and of
    private pages gone from their addresses."""
    if outcome.secret.origin == "created":
        log.info("Created a local preview secret in %s (ignored by git).", secret_file)
    elif outcome.secret.origin == "throwaway":
        log.info(THROWAWAY_WARNING)
    if outcome.secret.warning:
        log.info(outcome.secret.warning)
    if outcome.moved:  # info, not a warning: a deliberate rotation must pass --strict
        log.info("Warning: %s", moved_warning(outcome.moved))
    if outcome.gone:  # info too: a renamed id or a raised epoch is deliberate
        log.info("Warning: %s", gone_warning(list(outcome.gone)))
    if outcome.handed:  # info too: a partner renamed is one person more often than two
        log.info("Warning: %s", handover_warning(list(outcome.handed)))


def _fit_the_config(
    config: MkDocsConfig, newsletter: Newsletter, project: pipeline.Project, layout: SiteLayout
) -> None:
    """mkdocs.yml's settings as the data and the generated pages need them: the brand, the feed,
    the blog's folder, private pages out of every navigation, the follow page quiet."""
    _show_brand(config, newsletter, project)
    _name_the_feed(config, newsletter)
    _date_the_feed_where_the_owner_lives(config, newsletter)
    _feed_cache_in_project(config, project.root)
    _check_blog_dir(config, layout.blog_dir)
    _keep_private_pages_out_of_nav(config, layout.private_dir)
    _keep_the_follow_page_quiet(config)


def _log_due(display_name: str, facts: BuildFacts) -> None:
    for line in facts.due_shown:
        log.info("%s: %s", display_name, line)
    if facts.due_count > DUE_SHOWN:
        more = facts.due_count - DUE_SHOWN
        verb = "is" if more == 1 else "are"
        log.info(
            "%s: %s %s due an update: %s lists them all",
            display_name,
            plural(more, "more referral"),
            verb,
            generator_command("due"),
        )


def _refuse_unless_readable(project: pipeline.Project, config: MkDocsConfig) -> None:
    """A data file that does not open, said with its whole path and where mkdocs.yml names it."""
    where = f"data_file under referral-newsletter in {config.config_file_path}"
    refuse_unless_readable(
        project.data_file, project.display_name, False, where, f"create it, or name another as {where}"
    )


def _build_facts(project: pipeline.Project, outcome: pipeline.Outcome) -> BuildFacts:
    """The newsletter's settings and the due referrals: as recorded when nothing changed, else
    from the data, then recorded for the next build."""
    if not outcome.rendered and (recorded := build_facts.read_record(project.facts_file, outcome.inputs)):
        return recorded
    facts = build_facts.facts_of(outcome.data, outcome.layout.as_of)
    if outcome.inputs:
        try:
            build_facts.write_record(project.facts_file, outcome.inputs, facts)
        except OSError as error:  # a convenience for the next build, not worth failing this one
            log.debug("Could not record the build's facts in %s: %s", project.facts_file, error)
    return facts


def _own_files(project: pipeline.Project) -> list[str]:
    """The generator's files per its manifest; none when that is unreadable (the run has failed
    on it and says so): the watcher must stop holding changes back either way."""
    try:
        return read_manifest(project.manifest)
    except ValueError:
        return []


def _title_escaped_once(meta: dict[str, Any]) -> None:
    """A generated page's title is written HTML-escaped, because Material prints it unescaped.
    Marked safe, it stays escaped once where a template escapes it again: the feed's item titles
    (``{{ item.title|e }}``) read "News & Thanks", not "News &amp; Thanks"."""
    title = meta.get("title")
    if isinstance(title, str):
        meta["title"] = markupsafe.Markup(title)


def _guard_job(config: MkDocsConfig, outcome: pipeline.Outcome) -> GuardJob:
    """What the leak guard checks: the site folder, against the data and the site's own wording."""
    # Files copied unchanged from the installed theme carry no data (overrides/ is scanned).
    theme = tuple(Path(folder) for folder in config.theme.dirs if folder != config.theme.custom_dir)
    # The header's business name, and what mkdocs.yml and the theme print (one read of the file).
    public = (str(config.site_name), *site_public_text(Path(config.config_file_path)))
    # The data is loaded where the guard runs: a build that rendered nothing has not loaded it.
    return GuardJob(Path(config.site_dir), lambda: outcome.data, outcome.layout, public, theme)


def _worker_verdict(worker: GuardWorker) -> tuple[list[guard.Leak], int]:
    """The second process's leaks and file count; a failed or lost process fails the build."""
    try:
        result = worker.finish()
    except GuardStopped as error:
        raise PluginError(f"Leak guard: {error}") from None
    log.debug("Leak guard: %.2f s of CPU on a second process.", result.cpu_seconds)
    return result.leaks, result.files


class ReferralNewsletterConfig(base.Config):
    data_file = opt.Type(str, default=pipeline.DATA_FILE)
    state_dir = opt.Type(str, default=pipeline.STATE_DIR)


class ReferralNewsletterPlugin(BasePlugin[ReferralNewsletterConfig]):
    def __init__(self) -> None:
        self.command = "build"
        self.outcome: pipeline.Outcome | None = None
        self.newsletter: Newsletter | None = None
        self.watcher: serve_watch.OwnWritesIgnored | None = None
        # Under `mkdocs serve`: this rebuild's pages, to bring the feed and search plugins' memory
        # of earlier rebuilds up to date (serve_plugins).
        self.rebuild = serve_plugins.Rebuild()
        self.due_listed: tuple[tuple[str, ...], int] | None = None  # under serve: as last listed
        self.served_outputs: set[str] = set()  # what the last rebuild wrote (serve_plugins)
        # Under `mkdocs serve`: problems that stopped a build before it wrote anything (serve_problems).
        self.refused = serve_problems.RefusedSave()
        # The build's config from the moment MkDocs starts writing the site until the leak guard
        # has passed it or moved it away: a build that stops in between fails closed too.
        self.unguarded: MkDocsConfig | None = None
        self.pinned_build_date = False
        # Under `mkdocs serve` this instance lives across rebuilds into the same site folder.
        self.scan_memory = ScanMemory()
        self.render_memo = RenderMemo()
        self.html_bodies = HtmlBodies()
        # A `mkdocs build`'s leak guard, at work on the second core while MkDocs writes the site.
        self.guard_worker: GuardWorker | None = None
        # While the site is unguarded: Ctrl-C, SIGTERM or SIGHUP fail closed first (stop_signals).
        self.stop_signals: StopSignals | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    # Runs before MkDocs collects files, so the blog plugin (on_files at priority -50) finds
    # the generated posts on disk like any hand-written one.
    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.unguarded = None
        self.rebuild = serve_plugins.Rebuild()
        moment = self._build_moment()
        project = self._project(config)
        # First: bad data below stops the build. INFO: nothing unchecked is left (--strict passes).
        if killed := unchecked_site.move_aside(project.state_dir):
            log.info("Warning: %s.", killed)
        try:
            _refuse_unless_readable(project, config)
            outcome = self._generate(project, config, moment)
        except InvalidData as error:
            raise self._refuse(error.report) from None
        except (ForeignFileError, MissingSecret, ValueError) as error:
            raise self._refuse(str(error)) from None
        except OSError as error:  # a failed write of pages too (WriteFailed); no traceback
            raise self._refuse(os_failure(error)) from None
        _log_the_secret(outcome, project.secret_file)
        self.outcome = outcome
        facts = _build_facts(project, outcome)
        self.newsletter = facts.newsletter
        self._pin_build_date_to_owners_day(moment, facts.newsletter.timezone)
        _fit_the_config(config, facts.newsletter, project, outcome.layout)
        log.info("Generated pages from %s: %s", project.display_name, outcome.summary)
        if self._due_is_news(facts):
            _log_due(project.display_name, facts)
        if self.command != "serve":  # serve keeps its own memory of the site between rebuilds
            self.guard_worker = GuardWorker.start(_guard_job(config, outcome))
        return config

    def _guard_after_every_other_step(self, config: MkDocsConfig) -> None:
        """The leak guard moved to the end of the after-build steps. MkDocs puts a step after
        every one it does not rank below, so a hook at -inf (or NaN), registered after the
        plugins, ran after the guard and what it wrote was published (review63). Every plugin
        and hook is registered by now: as MkDocs reads mkdocs.yml, or in an on_config."""
        steps = config.plugins.events["post_build"]
        ours = [step for step in steps if _is_guard_of(step, self)]
        for step in ours:
            steps.remove(step)
            steps.append(step)

    def _due_is_news(self, facts: BuildFacts) -> bool:
        """Under `mkdocs serve` the referrals due an update are listed again only when they
        change: eleven lines on every save buried the one line about that save."""
        due = (facts.due_shown, facts.due_count)
        news = self.command != "serve" or due != self.due_listed
        self.due_listed = due
        return news

    def _refuse(self, report: str) -> Exception:
        """The build stops before writing anything (content/ is as it was, the site untouched):
        under `mkdocs serve` the last good site stays served, with the problems on each page."""
        return serve_problems.Refused(report) if self.refused.serving else PluginError(report)

    def _build_moment(self) -> BuildMoment:
        """The run's moment, read before the build date is pinned: a date this plugin pinned is
        the start of a UTC day, not the moment (east of UTC the owner's date is often the next)."""
        moment = pipeline.moment({} if self.pinned_build_date else os.environ)
        self._pin_build_date(moment)
        return moment

    def _pin_build_date(self, moment: BuildMoment) -> None:
        """MkDocs and the feed plugin stamp the build time unless SOURCE_DATE_EPOCH is set: then
        the start of the run's UTC day stands in, so the same input gives the same bytes all
        day (the machine's own date was a day off from UTC for hours a day far from UTC)."""
        if self.pinned_build_date or not os.environ.get("SOURCE_DATE_EPOCH", "").strip():
            start = dt.datetime.combine(moment.utc_date, dt.time(), dt.UTC)
            os.environ["SOURCE_DATE_EPOCH"] = str(int(start.timestamp()))
            self.pinned_build_date = True

    def _pin_build_date_to_owners_day(self, moment: BuildMoment, timezone: str) -> None:
        """A build date this plugin pinned becomes the start of the owner's day, once the data
        names their timezone: the feed's lastBuildDate is then never before the issue dated
        today where the owner lives (the start of the UTC day was, east of UTC), nor after
        the run; a build date the environment gave is left as it is."""
        if self.pinned_build_date:
            start = day_start(moment.date_in(timezone), timezone)
            os.environ["SOURCE_DATE_EPOCH"] = str(int(start.timestamp()))

    def _generate(
        self, project: pipeline.Project, config: MkDocsConfig, moment: BuildMoment
    ) -> pipeline.Outcome:
        """One generator run; under ``mkdocs serve`` its own writes are announced to the watcher."""
        watcher = self.watcher
        if watcher is None:
            return self._run_generator(project, config, moment)
        watcher.generation_started()
        removed: list[str] = []
        try:
            outcome = self._run_generator(project, config, moment)
            removed = outcome.report.removed
            return outcome
        except WriteFailed as error:  # its writes and their undoing are no edit to rebuild for
            removed = list(error.touched)
            raise
        finally:
            watcher.generation_finished([*_own_files(project), *removed])

    def _run_generator(
        self, project: pipeline.Project, config: MkDocsConfig, moment: BuildMoment
    ) -> pipeline.Outcome:
        return pipeline.generate(
            project,
            moment,
            os.environ,
            publishing=self.command == "gh-deploy",
            site_url=config.site_url or "",
            # Only a preview keeps rendered pages in memory across renders; every run, a build
            # too, keeps the pages still on disk as last written (project.generate, memo_record).
            memo=self.render_memo if self.command == "serve" else None,
        )

    # After the blog plugin's on_files (priority -50), which gives each post its address, and
    # after the feed plugin's on_config, which dated its channel.
    @event_priority(-100)
    def on_files(self, files: Any, *, config: MkDocsConfig) -> Any:
        """Refuse a page of the owner's that would be built where a generated page is."""
        _channel_dated_in_utc(config)
        if self.outcome is not None:
            own = set(_own_files(self._project(config)))
            if clashes := address_clashes(((f.src_uri, f.dest_uri) for f in files), own):
                raise PluginError("\n".join(clashes))
        return files

    def on_page_markdown(self, markdown: str, *, page: Any, config: MkDocsConfig, files: Any) -> str:
        """Every post's feed author, hand-written ones too: RSS wants an email there, not a name."""
        if (
            self.outcome is not None
            and self.newsletter is not None
            and page.file.src_uri.startswith(f"{self.outcome.layout.blog_dir}/posts/")
        ):
            page.meta.setdefault("author", feed_author(self.newsletter))
        if page.meta.get("generated_by") == GENERATED_BY["generated_by"]:
            _title_escaped_once(page.meta)
            return self.html_bodies.set_aside(page.file.src_uri, markdown)
        return markdown

    # After the feed plugin read the post's author (its on_page_content), before the template.
    def on_page_context(self, context: Any, *, page: Any, config: MkDocsConfig, nav: Any) -> Any:
        """The post's ``<meta name="author">`` (Material prints ``page.meta.author`` raw) names
        the owner: the feed's "address (Name)" list read "['mark@… (Mark Rodgers)']" in link
        previews and search results."""
        self.rebuild.built.add(page.url)
        newsletter = self.newsletter
        if newsletter is not None and page.meta.get("author") == feed_author(newsletter) != []:
            page.meta["author"] = escape_html(newsletter.owner)
        return context

    # First, so any other plugin reading a page's HTML finds the whole page.
    @event_priority(100)
    def on_page_content(self, html: str, *, page: Any, config: MkDocsConfig, files: Any) -> str:
        return self.html_bodies.put_back(page.file.src_uri, html)

    # The last event before MkDocs writes the site folder (it emptied it after on_pre_build,
    # unless --dirty: a build stopped before here leaves nothing there to publish).
    @event_priority(-100)
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Any) -> Any:
        # Here, not earlier: a plugin's on_config, run after ours, may still add after-build steps.
        self._guard_after_every_other_step(config)
        if self.command == "serve":  # every file is known here, the blog's posts and views too
            self.rebuild.know(files)
        # `mkdocs serve` builds into a folder of its own and keeps serving after an error.
        self.unguarded = config if self.command != "serve" else None
        if self.unguarded is not None:
            self.stop_signals = StopSignals.arm(self._fail_closed)
            unchecked_site.note_unchecked(self._project(config).state_dir, Path(config.site_dir))
        return env

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        if self.guard_worker is not None:
            self.guard_worker.writing(page.file.dest_uri)
        return post_days_as_dates(output)

    def on_build_error(self, *, error: Exception) -> None:
        """Fail closed when a build stops after MkDocs began writing the site (a page or a theme
        template that fails, another plugin's error): what it wrote was never leak-guarded, and a
        deploy step that runs anyway must find nothing to publish."""
        self._fail_closed()

    def _fail_closed(self) -> None:
        self._disarm()
        worker, self.guard_worker = self.guard_worker, None
        if worker is not None:
            worker.stop()
        config, self.unguarded = self.unguarded, None
        if config is None or not Path(config.site_dir).is_dir():
            return
        site = Path(config.site_dir)
        moved = quarantine(site, self._project(config).state_dir, site.name)
        unchecked_site.checked(self._project(config).state_dir)
        log.error(
            "The build stopped before the leak guard could check the site. %s", quarantine_note(moved, site)
        )

    # Before the search and feed plugins (priority 0) write their files from what they remember.
    @event_priority(50)
    def _bring_serve_memory_up_to_date(self, *, config: MkDocsConfig) -> None:
        if self.command != "serve" or self.outcome is None:
            return
        serve_plugins.forget_stale(config.plugins, self.rebuild)
        before, self.served_outputs = self.served_outputs, self.rebuild.outputs
        site, private_dir = Path(config.site_dir), self.outcome.layout.private_dir
        if removed := serve_plugins.remove_stale_outputs(site, before, self.served_outputs, private_dir):
            gone = plural(len(removed), "file")
            log.info("Removed from the preview %s whose source is gone: %s", gone, ", ".join(removed))

    # Before the feed plugin (priority 0) writes its items' dates.
    @event_priority(50)
    def _feed_items_in_whole_minutes(self, *, config: MkDocsConfig) -> None:
        _items_dated_in_whole_minutes(config)

    # Before the search and feed plugins (priority 0) write their files: the guard's second
    # process reads the pages MkDocs wrote last meanwhile, instead of at the end.
    @event_priority(50)
    def _last_pages_to_the_guard(self, *, config: MkDocsConfig) -> None:
        if self.guard_worker is not None:
            self.guard_worker.pages_written()

    # Last of all: after search, rss and sitemap have written their files, and after any other
    # plugin's or hook's after-build step, even one asking to run last (-100 is MkDocs' "after
    # all other plugins"): at -100 a hook, registered after the plugins, ran after the guard
    # and a name it wrote was published (review59).
    @event_priority(float("-inf"))
    def _guard_the_site(self, *, config: MkDocsConfig) -> None:
        """The leak guard: fail the build if confidential data reached a page it must not."""
        if self.outcome is None:
            return
        site = Path(config.site_dir)
        stale = remove_stale_private_pages(site, Path(config.docs_dir), self.outcome.layout.private_dir)
        if self.guard_worker is not None:  # the site is as it will be published: its last look now
            self.guard_worker.site_written()
        if stale:
            pages = plural(len(stale), "built private page")
            log.info("Removed %s whose source is gone (a dirty build keeps them).", pages)
        leaks, scanned = self._scan(config, self.outcome)
        self.unguarded = None  # checked: a leak moves the site away itself, with the leaks named
        self._disarm()
        if leaks:
            moved = self._quarantine(config, leaks)
            raise PluginError(f"{guard.leak_report(leaks)}\n{quarantine_note(moved, site)}")
        unchecked_site.checked(self._project(config).state_dir)
        log.info(guard.clean_scan(scanned))

    on_post_build = CombinedEvent(
        _bring_serve_memory_up_to_date,
        _feed_items_in_whole_minutes,
        _last_pages_to_the_guard,
        _guard_the_site,
    )

    def _scan(self, config: MkDocsConfig, outcome: pipeline.Outcome) -> tuple[list[guard.Leak], int]:
        """The leaks, and how many files were read: under `mkdocs serve` (rebuilding into one
        site folder) only those a rebuild can have changed; for publishing, every file (by the
        second process when one started, guard_worker)."""
        job = _guard_job(config, outcome)
        worker, self.guard_worker = self.guard_worker, None
        if worker is not None:
            if worker.job.same_site(job):
                return _worker_verdict(worker)
            worker.stop()  # another plugin moved the site or changed its wording: check here
        site, data, layout = job.site_dir, outcome.data, job.layout
        if self.command == "serve":
            memory, public, theme = self.scan_memory, job.public_text, job.verbatim_from
            return guard.guard_changed(site, data, layout, memory, public_text=public, verbatim_from=theme)
        leaks = guard.guard_site(
            site, data, layout, public_text=job.public_text, verbatim_from=job.verbatim_from
        )
        return leaks, len(guard.site_files(site))

    def _quarantine(self, config: MkDocsConfig, leaks: list[guard.Leak]) -> Quarantined:
        """Fail closed. `mkdocs serve` builds into a temporary folder of its own: one fixed name."""
        site = Path(config.site_dir)
        name = "serve" if self.command == "serve" else site.name
        state_dir = self._project(config).state_dir
        moved = quarantine(site, state_dir, name, (leak.file for leak in leaks))
        unchecked_site.checked(state_dir)
        return moved

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        project = self._project(config)
        server.watch(str(project.data_file))
        # The first build wrote before this watch existed: its files are known from the manifest.
        if self.watcher is None and serve_watch.can_filter(server):
            self.watcher = serve_watch.replace_docs_watch(server, project.docs_dir)
            self.watcher.generation_finished(read_manifest(project.manifest))
            log.info("Watching %s for changes, except the pages generated from the data.", project.docs_dir)
            if serve_problems.can_keep_serving(server):
                serve_problems.keep_serving(server, self.refused)
        return server

    def _disarm(self) -> None:
        stop_signals, self.stop_signals = self.stop_signals, None
        if stop_signals is not None:
            stop_signals.disarm()

    def _project(self, config: MkDocsConfig) -> pipeline.Project:
        root = Path(config.config_file_path).parent
        return pipeline.Project(
            root, root / self.config.data_file, Path(config.docs_dir), root / self.config.state_dir
        )


def _is_guard_of(step: Any, plugin: ReferralNewsletterPlugin) -> bool:
    """Whether an after-build step is this plugin's leak guard (MkDocs lists bound methods)."""
    return (
        getattr(step, "__func__", None) is ReferralNewsletterPlugin._guard_the_site
        and step.__self__ is plugin
    )
