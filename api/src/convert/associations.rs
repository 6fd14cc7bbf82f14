//! Association, announcement and campaign conversions.

use chrono::{DateTime, Utc};
use entraide_domain::association::{
    Announcement, Association, AssociationMembership, AssociationMembershipStatus, AssociationRole,
    AssociationStatus, Targeting, is_live,
};
use entraide_domain::campaign::{Campaign, Donation, DonationSource};
use entraide_domain::text::{Label, WebUrl};
use entraide_openapi::associations as wire;
use entraide_persistence::associations::AssociationMemberEntry;

use crate::convert::kind_to_wire;

enum_conversions!(
    status_to_wire,
    status_from_wire,
    AssociationStatus,
    wire::AssociationStatus,
    [Pending, Verified]
);

enum_conversions!(
    role_to_wire,
    role_from_wire,
    AssociationRole,
    wire::AssociationRole,
    [Admin, Volunteer, Member]
);

pub fn membership_status_to_wire(
    status: AssociationMembershipStatus,
) -> wire::AssociationMembershipStatus {
    match status {
        AssociationMembershipStatus::Active => wire::AssociationMembershipStatus::Active,
        AssociationMembershipStatus::Pending => wire::AssociationMembershipStatus::Pending,
    }
}

pub fn membership_status_from_wire(
    status: wire::AssociationMembershipStatus,
) -> AssociationMembershipStatus {
    match status {
        wire::AssociationMembershipStatus::Active => AssociationMembershipStatus::Active,
        wire::AssociationMembershipStatus::Pending => AssociationMembershipStatus::Pending,
    }
}

fn membership_to_wire(membership: AssociationMembership) -> wire::MyAssociationMembership {
    let AssociationMembership { role, status } = membership;
    wire::MyAssociationMembership {
        role: role_to_wire(role),
        status: membership_status_to_wire(status),
    }
}

/// The reader's standing, when known: membership and whether they follow.
pub type ReaderStanding = Option<(Option<AssociationMembership>, bool)>;

pub fn association(association: Association, reader: ReaderStanding) -> wire::Association {
    let Association {
        id,
        name,
        description,
        website,
        region,
        contact_email,
        condition_ids,
        open_membership,
        status,
        verified_at,
        member_count,
        follower_count,
        sponsor,
        created_by: _,
        created_at,
    } = association;
    wire::Association {
        id: id.as_uuid(),
        name: name.as_str().to_owned(),
        description: description.as_str().to_owned(),
        website: website.as_ref().map(|w| w.as_str().to_owned()),
        region: region.as_ref().map(|r| r.as_str().to_owned()),
        contact_email: contact_email.as_ref().map(|e| e.as_str().to_owned()),
        condition_ids: condition_ids.iter().map(|c| c.as_uuid()).collect(),
        open_membership,
        status: status_to_wire(status),
        verified_at,
        member_count,
        follower_count,
        sponsor: super::sponsors::sponsor(sponsor),
        created_at,
        membership: reader.and_then(|(m, _)| m).map(membership_to_wire),
        following: reader.map(|(_, following)| following),
    }
}

pub fn association_ref(association: &Association) -> wire::AssociationRef {
    wire::AssociationRef {
        id: association.id.as_uuid(),
        name: association.name.as_str().to_owned(),
        verified: association.status == AssociationStatus::Verified,
    }
}

pub fn member(entry: AssociationMemberEntry) -> wire::AssociationMember {
    let AssociationMemberEntry {
        member_id,
        pseudonym,
        kind,
        badge,
        membership: AssociationMembership { role, status },
        since,
    } = entry;
    wire::AssociationMember {
        member: crate::convert::posts::summary(member_id, &pseudonym, kind, badge),
        role: role_to_wire(role),
        status: membership_status_to_wire(status),
        since,
    }
}

fn targeting_to_wire(targeting: Targeting) -> wire::Targeting {
    let Targeting {
        condition_ids,
        kinds,
        region,
    } = targeting;
    wire::Targeting {
        condition_ids: condition_ids.iter().map(|c| c.as_uuid()).collect(),
        kinds: kinds.into_iter().map(kind_to_wire).collect(),
        region: region.as_ref().map(Label::as_str).map(str::to_owned),
    }
}

pub fn announcement(
    announcement: Announcement,
    from: wire::AssociationRef,
    now: DateTime<Utc>,
) -> wire::Announcement {
    let Announcement {
        id,
        association_id: _,
        author_id: _,
        title,
        body,
        link,
        targeting,
        publish_at,
        expires_at,
        created_at,
    } = announcement;
    wire::Announcement {
        id: id.as_uuid(),
        association: from,
        title: title.as_str().to_owned(),
        body: body.source().to_owned(),
        body_html: body.html().to_owned(),
        link: link.as_ref().map(WebUrl::as_str).map(str::to_owned),
        targeting: targeting_to_wire(targeting),
        publish_at,
        expires_at,
        live: is_live(publish_at, expires_at, now),
        created_at,
    }
}

pub fn campaign(
    campaign: Campaign,
    from: wire::AssociationRef,
    now: DateTime<Utc>,
) -> wire::Campaign {
    let percent = campaign.percent();
    let open = campaign.is_open(now);
    let Campaign {
        id,
        association_id: _,
        title,
        description,
        goal_cents,
        currency,
        starts_at,
        ends_at,
        payment_url,
        raised_cents,
        donation_count,
        created_at,
    } = campaign;
    wire::Campaign {
        id: id.as_uuid(),
        association: from,
        title: title.as_str().to_owned(),
        description: description.as_str().to_owned(),
        goal_cents,
        currency: currency.as_str().to_owned(),
        starts_at,
        ends_at,
        payment_url: payment_url.as_str().to_owned(),
        raised_cents,
        donor_count: donation_count,
        percent,
        open,
        created_at,
    }
}

pub fn donation(donation: Donation) -> wire::Donation {
    let Donation {
        id,
        campaign_id,
        amount_cents,
        donor_name,
        source,
        provider_payment_id: _,
        received_at,
    } = donation;
    wire::Donation {
        id: id.as_uuid(),
        campaign_id: campaign_id.as_uuid(),
        amount_cents,
        donor_name,
        source: match source {
            DonationSource::Manual => wire::DonationSource::Manual,
            DonationSource::Webhook => wire::DonationSource::Webhook,
        },
        received_at,
    }
}
