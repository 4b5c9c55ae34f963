"""Marshmallow schemas: request validation and response shapes, one module per resource."""
