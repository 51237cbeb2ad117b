"""Who may open what in milestones. Notifications and calendar tokens are private to
their owner; the timeline is for every signed-in user."""


def can_open_notification(user, notification):
    return user.is_authenticated and notification.recipient_id == user.pk
