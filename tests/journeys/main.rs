//! A day with Unhunch: the whole user journey end to end, on real desktop parts.
