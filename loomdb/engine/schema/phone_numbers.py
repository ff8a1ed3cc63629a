"""phoneNumber values as Weaviate stores them: parsed and formatted by libphonenumber (the `phonenumbers` port;
Weaviate uses the Go port nyaruka/phonenumbers, usecases/objects/validation/phone_numbers.go), with the Go port's
error texts, since those are what Weaviate prints."""
from __future__ import annotations

from functools import cache

_MISSING_COUNTRY = ("invalid phone number: invalid or missing defaultCountry - this field is optional if the specified "
                    "number is in the international format, but required if the number is in national format, use "
                    "ISO 3166-1 alpha-2")


@cache
def _go_parse_errors() -> dict[int, str]:
    """NumberParseException.error_type -> the Go port's error text (nyaruka/phonenumbers)."""
    from phonenumbers import NumberParseException

    return {
        NumberParseException.NOT_A_NUMBER: "the phone number supplied is not a number",
        NumberParseException.TOO_SHORT_AFTER_IDD: "phone number had an IDD, but after this was not long enough to "
                                                  "be a viable phone number",
        NumberParseException.TOO_SHORT_NSN: "the string supplied is too short to be a phone number",
        NumberParseException.TOO_LONG: "the string supplied is too long to be a phone number",
    }


def parse_phone_number(number: str, default_country: str) -> dict:
    """{"input", "defaultCountry", "internationalFormatted", "countryCode", "national", "nationalFormatted",
    "valid"} for a number; ValueError with Weaviate's message when libphonenumber cannot parse it."""
    # libphonenumber's metadata tables are a noticeable part of a server's start: loaded on first use
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat

    country = default_country.upper()
    try:
        parsed = phonenumbers.parse(number, country or None)
    except NumberParseException as exc:
        if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            raise ValueError(_MISSING_COUNTRY) from None
        raise ValueError(f"invalid phone number: {_go_parse_errors().get(exc.error_type, exc._msg)}") from None
    return {"input": number, "defaultCountry": country,
            "internationalFormatted": phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL),
            "countryCode": parsed.country_code, "national": parsed.national_number,
            "nationalFormatted": phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL),
            "valid": phonenumbers.is_valid_number(parsed)}
