//! How the feature enums become one vocabulary.
//!
//! Each feature file defines its messages as one internally tagged enum
//! (`#[serde(tag = "type")]`) that derives `strum::VariantNames` (the list of
//! its `"type"`s) and `strum::IntoStaticStr` (the `"type"` of one message).
//! `feature_union!` joins such enums, or other unions, into one: it
//! serializes as the message inside, reads a message by routing its `"type"`
//! to the one enum that owns it, and lists every `"type"` of its members, so
//! no list of message names is ever written by hand.

/// The `"type"` of a message on the wire, for enums whose references convert
/// into it (derived by `strum::IntoStaticStr` for a feature's enum, by
/// `feature_union!` for a union).
pub trait Kind {
    fn kind(&self) -> &'static str;
}

impl<T: ?Sized> Kind for T
where
    for<'a> &'a T: Into<&'static str>,
{
    fn kind(&self) -> &'static str {
        self.into()
    }
}

/// The total length of several lists, at compile time.
pub const fn total_len(parts: &[&[&'static str]]) -> usize {
    let mut total = 0;
    let mut i = 0;
    while i < parts.len() {
        total += parts[i].len();
        i += 1;
    }
    total
}

/// Several lists of names as one, at compile time. `N` must be their total
/// length (`total_len`); a wrong `N` fails the build, not a client.
pub const fn concat<const N: usize>(parts: &[&[&'static str]]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut at = 0;
    let mut i = 0;
    while i < parts.len() {
        let mut j = 0;
        while j < parts[i].len() {
            out[at] = parts[i][j];
            at += 1;
            j += 1;
        }
        i += 1;
    }
    assert!(at == N, "the lists do not add up to N");
    out
}

/// Joins message enums into one. See the module's documentation.
macro_rules! feature_union {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($variant:ident($member:ty)),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::ts_rs::TS)]
        #[serde(untagged)]
        pub enum $name {
            $($variant($member)),+
        }

        $(
            impl From<$member> for $name {
                fn from(message: $member) -> Self {
                    $name::$variant(message)
                }
            }
        )+

        impl From<&$name> for &'static str {
            fn from(message: &$name) -> &'static str {
                use $crate::protocol::Kind as _;
                match message {
                    $($name::$variant(inner) => inner.kind()),+
                }
            }
        }

        impl ::strum::VariantNames for $name {
            const VARIANTS: &'static [&'static str] = &{
                const PARTS: &[&[&str]] = &[$(<$member as ::strum::VariantNames>::VARIANTS),+];
                $crate::protocol::union_concat::<{ $crate::protocol::union_total_len(PARTS) }>(PARTS)
            };
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use ::serde::de::Error as _;
                let value = ::serde_json::Value::deserialize(deserializer)?;
                let kind = match value.get("type") {
                    Some(::serde_json::Value::String(kind)) => kind.clone(),
                    _ => return Err(D::Error::custom("the message has no type")),
                };
                $(
                    if <$member as ::strum::VariantNames>::VARIANTS.contains(&kind.as_str()) {
                        return <$member as ::serde::Deserialize>::deserialize(value)
                            .map($name::$variant)
                            .map_err(D::Error::custom);
                    }
                )+
                Err(D::Error::custom(format_args!("unknown message type `{kind}`")))
            }
        }
    };
}
