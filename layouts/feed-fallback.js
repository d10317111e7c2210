// fallback
