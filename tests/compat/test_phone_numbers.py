"""phoneNumber through the official client: Weaviate formats numbers with libphonenumber (usecases/objects/validation/
phone_numbers.go) and answers its parse errors in its own words, over gRPC (insert_many / fetch) and REST."""
from __future__ import annotations

import pytest
from weaviate.classes.config import DataType, Property
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter
from weaviate.collections.classes.types import PhoneNumber
from weaviate.exceptions import UnexpectedStatusCodeError

MANCHESTER = {"input": "0161 234 5000", "defaultCountry": "GB", "internationalFormatted": "+44 161 234 5000",
              "countryCode": 44, "national": 1612345000, "nationalFormatted": "0161 234 5000", "valid": True}


@pytest.fixture
def phones(collection_factory):
    return collection_factory(properties=[Property(name="name", data_type=DataType.TEXT),
                                          Property(name="phone", data_type=DataType.PHONE_NUMBER)])


def test_national_number_formatted_as_libphonenumber_does(phones, rest):
    uid = phones.data.insert({"name": "office", "phone": PhoneNumber(number="0161 234 5000", default_country="GB")})
    got = phones.query.fetch_object_by_id(uid).properties["phone"]          # gRPC: a typed PhoneNumber value
    assert (got.number, got.default_country, got.international_formatted, got.country_code, got.national,
            got.national_formatted, got.valid) == ("0161 234 5000", "GB", "+44 161 234 5000", 44, 1612345000,
                                                   "0161 234 5000", True)
    assert rest.get(f"/v1/objects/{phones.name}/{uid}").json()["properties"]["phone"] == MANCHESTER


def test_international_inputs_and_lower_case_country(phones, rest):
    res = phones.data.insert_many([
        DataObject(properties={"name": "us", "phone": PhoneNumber(number="+1 202-456-1111")}),
        DataObject(properties={"name": "de", "phone": PhoneNumber(number="030 1234567", default_country="de")}),
        DataObject(properties={"name": "short", "phone": PhoneNumber(number="+44 1234", default_country="GB")})])
    assert not res.errors
    by_name = {o.properties["name"]: o.properties["phone"] for o in phones.query.fetch_objects().objects}
    us, de, short = by_name["us"], by_name["de"], by_name["short"]
    assert (us.international_formatted, us.national_formatted, us.country_code, us.national, us.valid,
            us.default_country) == ("+1 202-456-1111", "(202) 456-1111", 1, 2024561111, True, "")
    assert (de.international_formatted, de.national_formatted, de.default_country, de.valid) == (
        "+49 30 1234567", "030 1234567", "DE", True)
    assert (short.international_formatted, short.valid) == ("+44 1234", False)    # parsed, but not a valid number
    uid = phones.query.fetch_objects(filters=Filter.by_property("name").equal("us")).objects[0].uuid
    assert rest.get(f"/v1/objects/{phones.name}/{uid}").json()["properties"]["phone"]["internationalFormatted"] \
        == "+1 202-456-1111"


@pytest.mark.parametrize("value, message", [
    ({"input": "0161 234 5000"}, "invalid phone number: invalid or missing defaultCountry - this field is optional if "
     "the specified number is in the international format, but required if the number is in national format, use "
     "ISO 3166-1 alpha-2"),
    ({"input": "0161 234 5000", "defaultCountry": "XX"}, "invalid phone number: invalid or missing defaultCountry - "
     "this field is optional if the specified number is in the international format, but required if the number is "
     "in national format, use ISO 3166-1 alpha-2"),
    ({"input": "hello", "defaultCountry": "GB"}, "invalid phone number: the phone number supplied is not a number"),
    ({"input": "+44 1", "defaultCountry": "GB"},
     "invalid phone number: the string supplied is too short to be a phone number"),
])
def test_parse_errors_in_weaviate_words(phones, rest, value, message):
    r = rest.post("/v1/objects", json={"class": phones.name, "properties": {"phone": value}})
    assert r.status_code == 422
    prefix = f"invalid phoneNumber property 'phone' on class '{phones.name}': "
    assert r.json()["error"][0]["message"] == prefix + message
    with pytest.raises(UnexpectedStatusCodeError):
        phones.data.insert({"phone": PhoneNumber(number=value["input"], default_country=value.get("defaultCountry"))})
