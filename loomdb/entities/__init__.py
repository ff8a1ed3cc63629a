"""Pure data shared by every layer: errors, filters, search parameters, stored objects. No I/O."""
