"""Every database constraint of the project's models speaks to the user: when a form, the admin
or the API hits one, the user reads what is wrong and what to do, in Chinese, never the
constraint's name (Django's default "Constraint “…” is violated")."""
from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import translation

PROJECT_APPS = ("redproperty", "communities", "properties", "partybranches", "complaints", "integrations", "dashboard")


def _constraints():
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            for constraint in model._meta.constraints:
                yield model, constraint


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_walk_sees_the_constraints_of_every_app():
    seen = {model._meta.app_label for model, _constraint in _constraints()}
    assert {"communities", "properties", "partybranches", "complaints"} <= seen
    assert sum(1 for _ in _constraints()) > 40


def test_every_constraint_has_its_own_message_translated_into_chinese():
    without, untranslated = [], []
    for model, constraint in _constraints():
        label = f"{model._meta.label}.{constraint.name}"
        if constraint.violation_error_message == constraint.default_violation_error_message:
            without.append(label)
            continue
        with translation.override("zh-hans"):
            text = str(constraint.get_violation_error_message())
        if not _is_chinese(text) or constraint.name in text:
            untranslated.append(f"{label}: {text}")
    assert without == []
    assert untranslated == []
