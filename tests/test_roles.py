from django.contrib.auth.models import Group
from django.core.management import call_command


def test_the_roles_come_back_after_a_flush(db):
    # Transactional tests and `manage.py flush` empty every table; the roles must not stay lost.
    call_command("flush", interactive=False, verbosity=0)
    entry, viewer = Group.objects.get(name="Data entry"), Group.objects.get(name="Viewer")
    assert entry.permissions.filter(codename="change_fundinground").exists()
    assert not viewer.permissions.filter(codename="change_fundinground").exists()
    assert viewer.permissions.filter(codename="view_fundinground").exists()
