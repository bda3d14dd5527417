"""The typed form of a crossroads/1 table: frozen, strict pydantic models.

These models and ``schema/crossroads-1.schema.json`` describe the same
documents; ``tests/test_schema_agreement.py`` proves they accept and reject
exactly the same corpus, which is what lets the evaluation path skip
jsonschema (slow) and validate with the models alone.

Strictness is per field (``StrictStr`` and friends) rather than model-wide:
a number where a string belongs is an error, yet YAML lists still fill tuple
fields. Numbers arrive from the loader as ``int`` or exact ``Decimal``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from crossroads.engine.table.values import AGGREGATES, OUTPUT_TYPES  # noqa: F401  (defined there: the cache reads them without pydantic)
from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    model_validator,
)

SLUG_PATTERN = r"^[a-z][a-z0-9_-]{0,63}(?!\n)$"
SEMVER_PATTERN = (
    r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
    r"(-((0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(\+([0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*))?(?!\n)$"
)
OPTION_ID_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]{1,200}(?!\n)$"
RESERVED_OUTCOME = "undecided"

Slug = Annotated[str, Strict(), StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, Strict(), StringConstraints(min_length=1)]
OptionId = Annotated[str, Strict(), StringConstraints(pattern=OPTION_ID_PATTERN)]
# Non-finite decimals (.inf, .nan) pass here as they pass the schema's "number"; the
# reference checks report them (bad-bounds, bad-condition, bad-example) with a clear message.
Dec = Annotated[Decimal, Strict(), AllowInfNan(True)]
Number = Union[StrictInt, Dec]
StrList = tuple[StrictStr, ...]
NonEmptyStrList = Annotated[tuple[StrictStr, ...], Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", regex_engine="python-re")

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        # Optional means "leave the key out": an explicit null is refused, as the schema does.
        if isinstance(data, dict):
            for key, value in data.items():
                if value is None:
                    raise ValueError(f"'{key}' is null: leave the key out instead")
        return data


class Option(_Model):
    id: OptionId
    label: StrictStr | None = None
    help: StrictStr | None = None

    @property
    def text(self) -> str:
        return self.label if self.label is not None else self.id


class _InputBase(_Model):
    id: Slug
    prompt: Text
    help: StrictStr | None = None


class ChoiceInput(_InputBase):
    type: Literal["choice"]
    options: Annotated[tuple[Option, ...], Field(min_length=1)]


class BooleanInput(_InputBase):
    type: Literal["boolean"]


class IntegerInput(_InputBase):
    type: Literal["integer"]
    minimum: StrictInt | None = None
    maximum: StrictInt | None = None


class NumberInput(_InputBase):
    type: Literal["number"]
    minimum: Number | None = None
    maximum: Number | None = None


class StringInput(_InputBase):
    """Free text, compared exactly (case and spaces count; the empty string is a value)."""

    type: Literal["string"]


class DateInput(_InputBase):
    """A day, ``YYYY-MM-DD`` (``engine/table/dates.py``); the bounds are date texts, checked by
    ``validate.check_bounds`` with the one date grammar (a bad one is a positioned ``bad-bounds``)."""

    type: Literal["date"]
    minimum: StrictStr | None = None
    maximum: StrictStr | None = None


Input = Annotated[
    Union[ChoiceInput, BooleanInput, IntegerInput, NumberInput, StringInput, DateInput], Field(discriminator="type")
]


def _not_reserved(value: str) -> str:
    if value == RESERVED_OUTCOME:
        raise ValueError(f"'{RESERVED_OUTCOME}' is reserved and cannot be an outcome id")
    return value


OutputValue = Union[StrictBool, StrictInt, Dec, StrictStr]
"""One output's value as written: its type is checked against the output's by validation (``bad-value``)."""
Values = dict[StrictStr, OutputValue]
"""Output id → value: an inline ``then``, an outcome's ``values``, a mapping ``default``."""


class Output(_Model):
    """One typed value a decision returns (``outputs``); a choice output's ``options`` order is its priority."""

    id: Slug
    type: Literal["string", "number", "integer", "boolean", "date", "choice"]
    title: Text | None = None
    options: Annotated[tuple[Option, ...], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _options_only_for_choice(self) -> "Output":
        if self.options is not None and self.type != "choice":
            raise ValueError("only a choice output has options")
        return self

    @property
    def text(self) -> str:
        return self.title if self.title is not None else self.id


class Outcome(_Model):
    id: Annotated[Slug, AfterValidator(_not_reserved)]
    title: Text
    summary: StrictStr | None = None
    choose_when: StrList = ()
    tradeoffs: StrList = ()
    values: Values | None = None


CellList = Annotated[tuple[Union[StrictStr, StrictInt, Dec], ...], Field(min_length=1)]
"""A list condition: option ids or strings, or (integer/number/date) numbers and condition strings, any of."""


class Not(_Model):
    not_: Union[StrictStr, StrictInt, Dec, CellList] = Field(alias="not")


Condition = Union[StrictBool, StrictInt, Dec, StrictStr, CellList, Not]


class Rule(_Model):
    id: Slug
    when: dict[StrictStr, Condition] | None = None
    then: Union[Slug, Values]
    because: StrictStr | None = None


class PinnedExpect(_Model):
    outcome: Slug
    rule: Slug


class ValuesExpect(_Model):
    """An expected result given as values (a table with ``outputs``); ``rule`` pins the deciding row."""

    values: Values
    rule: Slug | None = None


Expect = Union[Slug, tuple[Slug, ...], PinnedExpect, ValuesExpect, tuple[Values, ...]]
AnswerValue = Union[StrictBool, StrictInt, Dec, StrictStr]


class Example(_Model):
    name: StrictStr | None = None
    answers: dict[StrictStr, AnswerValue]
    expect: Expect


LANGUAGE_PATTERN = r"^[a-z]{2,3}(?!\n)$"
Language = Annotated[str, Strict(), StringConstraints(pattern=LANGUAGE_PATTERN)]


class InputTranslation(_Model):
    prompt: Text | None = None
    help: StrictStr | None = None
    options: dict[StrictStr, StrictStr] | None = None


class OutcomeTranslation(_Model):
    title: Text | None = None
    summary: StrictStr | None = None
    choose_when: StrList | None = None
    tradeoffs: StrList | None = None


class OutputTranslation(_Model):
    title: Text | None = None
    options: dict[StrictStr, StrictStr] | None = None


class RuleTranslation(_Model):
    because: StrictStr | None = None


class Translation(_Model):
    """One language's replacements for the table's texts, by id (see ``engine/table/translations.py``).

    Keys are plain strings here: an id the table lacks is lint's
    ``unknown-translation`` error, worded with the ids that do exist.
    """

    title: Text | None = None
    summary: StrictStr | None = None
    inputs: dict[StrictStr, InputTranslation] | None = None
    outcomes: dict[StrictStr, OutcomeTranslation] | None = None
    outputs: dict[StrictStr, OutputTranslation] | None = None
    rules: dict[StrictStr, RuleTranslation] | None = None


class Table(_Model):
    format: Literal["crossroads/1"]
    id: Slug
    version: Annotated[str, Strict(), StringConstraints(pattern=SEMVER_PATTERN)]
    title: Text
    summary: StrictStr | None = None
    hit_policy: Literal["unique", "first", "priority", "any", "collect", "output-order"]
    aggregate: Literal["sum", "min", "max", "count"] | None = None
    default: Union[Slug, Values, None] = None
    inputs: Annotated[tuple[Input, ...], Field(min_length=1)]
    outputs: Annotated[tuple[Output, ...], Field(min_length=1)] = ()
    outcomes: Annotated[tuple[Outcome, ...], Field(min_length=1)] = ()
    rules: Annotated[tuple[Rule, ...], Field(min_length=1)]
    examples: tuple[Example, ...] = ()
    translations: dict[Language, Translation] | None = None

    @model_validator(mode="after")
    def _outcomes_or_outputs(self) -> "Table":
        # The schema's anyOf: a table returns named outcomes, typed values, or both.
        if not self.outcomes and not self.outputs:
            raise ValueError("a table needs 'outcomes', 'outputs' or both")
        return self
