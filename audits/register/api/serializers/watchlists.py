from rest_framework import serializers

from audits.register.api.serializers.base import (
    ForceOwnedInput,
    InputSerializer,
    RecordOutput,
    editable_fields,
)
from audits.register.models import Watchlist, WatchlistCategoryCount

FIELDS = editable_fields(Watchlist, exclude={"force"})


class WatchlistCreateInput(ForceOwnedInput):
    class Meta:
        model = Watchlist
        fields = ["force", *FIELDS]


class WatchlistUpdateInput(InputSerializer):
    class Meta:
        model = Watchlist
        fields = FIELDS


class CategoryCountOutput(serializers.ModelSerializer):
    code = serializers.CharField(source="category.code", read_only=True)
    name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = WatchlistCategoryCount
        fields = ["id", "category", "code", "name", "count"]


class WatchlistOutput(RecordOutput):
    categories = CategoryCountOutput(many=True, read_only=True)

    class Meta:
        model = Watchlist
        fields = "__all__"


class CategoryCountCreateInput(InputSerializer):
    """The watchlist is the one in the URL."""

    class Meta:
        model = WatchlistCategoryCount
        fields = ["category", "count"]


class CategoryCountUpdateInput(InputSerializer):
    class Meta:
        model = WatchlistCategoryCount
        fields = ["count"]
