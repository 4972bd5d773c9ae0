"""Doing things without signal: actions queued on the phone (``static/js/outbox.js``) and replayed here.

Each queued action is a form of a page (marked ``data-offline-form``) as it was filled in, with a
once-only key and, for edits, the version of the record she read. The sync endpoint applies it with
the same forms and services as the page; a replay is applied once (:mod:`matchmaker.submissions`),
and an edit of a record that changed since is refused as a conflict that she resolves field by field.
"""
