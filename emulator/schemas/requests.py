"""The base of request bodies clients fill in: a null optional field is the field left out."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, pre_load


class NullMeansAbsentSchema(Schema):
    """A request body where `null` in an optional field is the same as leaving the field out.

    Clients written for the real API send null for every field they were not given (Symfony's
    transport a `source_number`, the official SDKs all of them). A required field stays
    required: null there fails as the field's own error, naming it."""

    @pre_load
    def _drop_null_optional_fields(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        required = {
            field.data_key or name for name, field in self.load_fields.items() if field.required
        }
        return {key: value for key, value in data.items() if value is not None or key in required}
