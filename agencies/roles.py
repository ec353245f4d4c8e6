"""Site-wide roles as Django groups, and the permissions each one holds.

Migrations call `sync_role_groups` (the agencies migration first, and every later app's migration
that adds permissions named here), so the groups exist right after `migrate`, never by hand.
"""

from agencies.enums import Role

# "app_label.codename" for each role. Permissions of apps not migrated yet are skipped and granted
# by that app's own migration, which calls sync_role_groups again.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.OPERATOR: [],
    Role.ORGANISER: [
        "agencies.run_competition",
        "agencies.view_dashboards",
        "audit.view_auditevent",
        "agencies.add_agency",
        "agencies.change_agency",
        "agencies.view_agency",
        "agencies.add_membership",
        "agencies.change_membership",
        "agencies.delete_membership",
        "agencies.view_membership",
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "auth.view_group",
        "innovations.verify_proposal",
        "innovations.export_proposals",
        "innovations.add_edition",
        "innovations.change_edition",
        "innovations.view_edition",
        "innovations.add_track",
        "innovations.change_track",
        "innovations.delete_track",
        "innovations.view_track",
        "innovations.add_sectiontemplate",
        "innovations.change_sectiontemplate",
        "innovations.delete_sectiontemplate",
        "innovations.view_sectiontemplate",
        "innovations.view_innovation",
        "innovations.change_innovation",
        "innovations.view_proposal",
        "innovations.view_attachment",
        "innovations.view_proposalstatuschange",
        "judging.run_judging",
        "judging.view_results",
        "judging.view_stage",
        "judging.change_stage",
        "judging.view_criterion",
        "judging.view_panelmember",
        "judging.view_conflict",
        "judging.view_conflictdeclaration",
        "judging.view_assignment",
        "judging.view_scoresheet",
        "judging.view_score",
        "judging.view_stageresult",
        "judging.view_shortlist",
        "judging.view_shortlistchange",
        "judging.view_stageevent",
        "judging.view_interviewslot",
        "judging.view_finalresult",
        "judging.view_finalentry",
        "judging.view_award",
        "judging.view_kijbnomination",
        "judging.add_externalrecognition",
        "judging.change_externalrecognition",
        "judging.delete_externalrecognition",
        "judging.view_externalrecognition",
    ],
    Role.JUDGE: [
        "judging.score_entries",
    ],
    Role.LEADERSHIP: [
        "agencies.view_dashboards",
        "agencies.view_agency",
        "innovations.view_edition",
        "innovations.view_proposal",
        "judging.view_results",
    ],
}


def sync_role_groups(apps, schema_editor=None):
    """Create the role groups and grant each the permissions in ROLE_PERMISSIONS that exist.

    Works with the historical app registry of a migration, or the global one.
    """
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; make them exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=str(role))
        wanted = []
        for name in names:
            app_label, codename = name.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.add(*wanted)
